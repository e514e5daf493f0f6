package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tracechain/tracechain/client/epcisapi"
	"github.com/tracechain/tracechain/client/epciscapture"
)

// captureOptions are the flags of "epcis capture".
type captureOptions struct {
	url, cert, key, caCert, behaviour string
	format                            docFormat
	wait                              time.Duration
}

func (a *app) epcisCaptureCommand() *cobra.Command {
	var o captureOptions
	cmd := &cobra.Command{
		Use:   "capture FILE",
		Short: "Capture an EPCIS document (2.0 JSON-LD, 2.0 XML or 1.2 XML) through the member's traced EPCIS interface",
		Long: `POST the EPCISDocument in FILE (or standard input with -) to the capture
interface of traced (--epcis-listen), with this client's TLS certificate,
wait for the capture job and print it as JSON: running, success, the
eventIDs on the ledger, the block and transaction of each part, and the
ledger's refusal (code, subject) when there is one. Exits 1 unless the job
succeeded.

FILE is EPCIS 2.0 JSON-LD, EPCIS 2.0 XML or EPCIS 1.2 XML: --format auto
(the default) posts a document that starts with '<' as application/xml,
which traced converts to the EPCIS 2.0 JSON-LD document it captures.

--behaviour rollback (the default) captures the document in one
transaction, all or nothing; proceed lets the service split a large
document into several transactions, in order, each all or nothing.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			doc, err := a.readInput(args[0])
			if err != nil {
				return err
			}
			hc, err := o.httpClient()
			if err != nil {
				return err
			}
			job, err := o.capture(cmd.Context(), hc, doc)
			if err != nil {
				return err
			}
			enc := json.NewEncoder(a.stdout)
			enc.SetIndent("", "  ")
			enc.SetEscapeHTML(false)
			if err := enc.Encode(job); err != nil {
				return err
			}
			if job.Running {
				return fmt.Errorf("capture job %s still running after %v; ask again with GET /capture/%s", job.CaptureID, o.wait, job.CaptureID)
			}
			if !job.Success {
				return fmt.Errorf("capture job %s failed", job.CaptureID)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.url, "url", envOr("TRACECHAIN_EPCIS_URL", "https://127.0.0.1:9443"), "base URL of traced's EPCIS interface ($TRACECHAIN_EPCIS_URL)")
	f.StringVar(&o.cert, "cert", os.Getenv("TRACECHAIN_EPCIS_CERT"), "PEM client certificate from the member's CA ($TRACECHAIN_EPCIS_CERT)")
	f.StringVar(&o.key, "key", os.Getenv("TRACECHAIN_EPCIS_KEY"), "PEM private key of --cert ($TRACECHAIN_EPCIS_KEY)")
	f.StringVar(&o.caCert, "cacert", os.Getenv("TRACECHAIN_EPCIS_CACERT"), "PEM CA certificate that signed traced's certificate ($TRACECHAIN_EPCIS_CACERT; default: the system's)")
	f.StringVar(&o.behaviour, "behaviour", "rollback", "GS1-Capture-Error-Behaviour: rollback or proceed")
	f.DurationVar(&o.wait, "wait", time.Minute, "how long to wait for the job")
	o.format = formatAuto
	f.StringVar((*string)(&o.format), "format", string(formatAuto), "how FILE is written: auto, json or xml (EPCIS 2.0 or 1.2)")
	return cmd
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func (o *captureOptions) httpClient() (*http.Client, error) {
	if (o.cert == "") != (o.key == "") {
		return nil, usagef("--cert and --key go together")
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if o.cert != "" {
		c, err := tls.LoadX509KeyPair(o.cert, o.key)
		if err != nil {
			return nil, fmt.Errorf("client certificate: %w", err)
		}
		tc.Certificates = []tls.Certificate{c}
	}
	if o.caCert != "" {
		pem, err := os.ReadFile(o.caCert)
		if err != nil {
			return nil, err
		}
		tc.RootCAs = x509.NewCertPool()
		if !tc.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("--cacert %s: no PEM certificate in it", o.caCert)
		}
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: tc}, Timeout: o.wait + 2*time.Minute}, nil
}

// capture posts doc and waits for its job with GET ?wait=, which blocks on
// the service until the job finishes.
func (o *captureOptions) capture(ctx context.Context, hc *http.Client, doc []byte) (*epciscapture.Job, error) {
	base := strings.TrimSuffix(o.url, "/")
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/capture", bytes.NewReader(doc))
	if err != nil {
		return nil, err
	}
	ct, err := o.format.contentType(doc)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", ct)
	req.Header.Set(epciscapture.HeaderErrorBehaviour, o.behaviour)
	var job epciscapture.Job
	loc, err := do(hc, req, http.StatusAccepted, &job)
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(o.wait)
	for job.Running && time.Now().Before(deadline) {
		left := time.Until(deadline).Round(time.Second)
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+loc+"?wait="+url.QueryEscape(left.String()), nil)
		if err != nil {
			return nil, err
		}
		if _, err := do(hc, req, http.StatusOK, &job); err != nil {
			return nil, err
		}
	}
	return &job, nil
}

// do sends req and decodes an answer of status want into v, returning its
// Location; any other answer is an error with the problem's detail.
func do(hc *http.Client, req *http.Request, want int, v any) (string, error) {
	resp, err := hc.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return "", err
	}
	if resp.StatusCode != want {
		var p epcisapi.Problem
		if json.Unmarshal(b, &p) == nil && p.Type != "" {
			return "", fmt.Errorf("%s %s: %d %s: %s", req.Method, req.URL.Path, p.Status, p.Type, p.Detail)
		}
		return "", fmt.Errorf("%s %s: %s", req.Method, req.URL.Path, resp.Status)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return "", fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, err)
	}
	loc := resp.Header.Get("Location")
	if want == http.StatusAccepted && !strings.HasPrefix(loc, "/") {
		return "", errors.New("the service gave no relative Location for the capture job")
	}
	return loc, nil
}
