package console

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
)

// ErrCrossSite is the refusal of a state-changing request that another site
// may have made the staff member's browser send: a wrong or missing form
// token, or an Origin or Sec-Fetch-Site header that is not this site.
var ErrCrossSite = errors.New("console: cross-site request refused")

// csrfToken is the form token of a staff member: an HMAC, under the
// console's secret key, of their certificate's fingerprint. Another site
// cannot read it (the pages are same-origin only) nor compute it.
func (c *Console) csrfToken(s Staff) string {
	m := hmac.New(sha256.New, c.csrfKey)
	m.Write([]byte("tracechain console decide\x00"))
	m.Write(s.fingerprint[:])
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// checkSameSite refuses a POST that does not carry the staff member's
// token, or that a browser says came from another origin. Both checks run:
// the token is the defence, the headers a second one that costs nothing.
func (c *Console) checkSameSite(r *http.Request, s Staff, token string) error {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" {
		return ErrCrossSite
	}
	if o := r.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		if err != nil || u.Scheme != "https" || u.Host != r.Host {
			return ErrCrossSite
		}
	}
	want := c.csrfToken(s)
	if !hmac.Equal([]byte(token), []byte(want)) {
		return ErrCrossSite
	}
	return nil
}
