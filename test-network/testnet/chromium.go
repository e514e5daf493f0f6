package testnet

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Chromium returns the headless browser that page tests drive:
// TRACECHAIN_CHROMIUM, or what test-network/browser.sh ensure finds or, as
// root, installs (Debian's chromium and fonts-noto-cjk).
func Chromium() (string, error) {
	if p := os.Getenv("TRACECHAIN_CHROMIUM"); p != "" {
		return p, nil
	}
	var stderr bytes.Buffer
	cmd := exec.Command("bash", filepath.Join(filepath.Dir(script()), "browser.sh"), "ensure") //nolint:gosec // our own browser.sh, beside this package
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("test-network/browser.sh ensure: %w: %s", err, stderr.String())
	}
	p := strings.TrimSpace(string(out))
	if p == "" {
		return "", fmt.Errorf("test-network/browser.sh ensure printed no path")
	}
	return p, nil
}
