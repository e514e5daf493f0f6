package console

import "crypto/x509"

// Messages exposes the catalog of lang to the tests.
func Messages(lang string) map[string]string { return messages[lang] }

// Token is the form token of cert's holder.
func (c *Console) Token(cert *x509.Certificate) string {
	s, err := StaffOf(cert)
	if err != nil {
		panic(err)
	}
	return c.csrfToken(s)
}
