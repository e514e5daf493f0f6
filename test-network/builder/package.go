package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// packageCmd writes a chaincode package for a chaincode server. The archive is byte-for-byte
// reproducible (fixed names order, times, owners, no gzip name or time), so its package ID, and
// with it the server's CHAINCODE_ID, stays the same across rebuilds.
func packageCmd(args []string) error {
	fs := flag.NewFlagSet("package", flag.ContinueOnError)
	label := fs.String("label", "", "package label, e.g. tracechain_1")
	address := fs.String("address", "", "host:port of the chaincode server")
	out := fs.String("out", "", "output file (.tar.gz)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *label == "" || *address == "" || *out == "" {
		return errors.New("package: -label, -address and -out are required")
	}
	conn, err := json.Marshal(connection{Address: *address, DialTimeout: "10s"})
	if err != nil {
		return err
	}
	code, err := targz([]entry{{"connection.json", conn}})
	if err != nil {
		return err
	}
	meta, err := json.Marshal(struct {
		Type  string `json:"type"`
		Label string `json:"label"`
	}{ccaasType, *label})
	if err != nil {
		return err
	}
	pkg, err := targz([]entry{{"code.tar.gz", code}, {"metadata.json", meta}})
	if err != nil {
		return err
	}
	return os.WriteFile(*out, pkg, 0o644)
}

type entry struct {
	name string
	data []byte
}

// targz archives entries in the given order with fixed metadata.
func targz(entries []entry) ([]byte, error) {
	var buf bytes.Buffer
	gz, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	tw := tar.NewWriter(gz)
	for _, e := range entries {
		hdr := &tar.Header{
			Name:     e.name,
			Mode:     0o644,
			Size:     int64(len(e.data)),
			ModTime:  time.Unix(0, 0),
			Typeflag: tar.TypeReg,
			Format:   tar.FormatUSTAR,
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if _, err := io.Copy(tw, bytes.NewReader(e.data)); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := gz.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// installCmd lays out an external builder directory: DIR/bin/{detect,build,release}, each a
// copy of this binary, as core.yaml's chaincode.externalBuilders expects.
func installCmd(args []string) error {
	if len(args) != 1 {
		return errors.New("install: want DIR")
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	raw, err := os.ReadFile(self)
	if err != nil {
		return err
	}
	bin := filepath.Join(args[0], "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		return err
	}
	for _, name := range []string{"detect", "build", "release"} {
		if err := os.WriteFile(filepath.Join(bin, name), raw, 0o755); err != nil { //nolint:gosec // executables: the peer runs them as detect, build and release
			return fmt.Errorf("install %s: %w", name, err)
		}
	}
	return nil
}
