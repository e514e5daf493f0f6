package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
}

func TestDetectAcceptsOnlyCCaaS(t *testing.T) {
	md := t.TempDir()
	writeFile(t, filepath.Join(md, "metadata.json"), `{"type":"CCaaS","label":"x"}`)
	require.NoError(t, run("detect", []string{t.TempDir(), md}))

	writeFile(t, filepath.Join(md, "metadata.json"), `{"type":"golang","label":"x"}`)
	require.Error(t, run("detect", []string{t.TempDir(), md}))
}

func TestBuildAndReleasePlaceConnectionJSON(t *testing.T) {
	src, out, rel := t.TempDir(), t.TempDir(), t.TempDir()
	writeFile(t, filepath.Join(src, "connection.json"), `{"address":"127.0.0.1:9999","dial_timeout":"10s"}`)
	writeFile(t, filepath.Join(src, "META-INF", "statedb", "x.json"), `{}`)
	require.NoError(t, run("build", []string{src, t.TempDir(), out}))
	require.NoError(t, run("release", []string{out, rel}))

	got, err := os.ReadFile(filepath.Join(rel, "chaincode", "server", "connection.json"))
	require.NoError(t, err)
	require.JSONEq(t, `{"address":"127.0.0.1:9999","dial_timeout":"10s"}`, string(got))
	require.FileExists(t, filepath.Join(rel, "statedb", "statedb", "x.json"))
}

func TestBuildRejectsMissingAddress(t *testing.T) {
	src := t.TempDir()
	writeFile(t, filepath.Join(src, "connection.json"), `{"dial_timeout":"10s"}`)
	require.ErrorContains(t, run("build", []string{src, t.TempDir(), t.TempDir()}), "address")
}

func TestPackageIsReproducible(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.tar.gz"), filepath.Join(dir, "b.tar.gz")
	args := func(out string) []string {
		return []string{"package", "-label", "tracechain_1.0", "-address", "127.0.0.1:7200", "-out", out}
	}
	require.NoError(t, run("builder", args(a)))
	require.NoError(t, run("builder", args(b)))
	ra, err := os.ReadFile(a)
	require.NoError(t, err)
	rb, err := os.ReadFile(b)
	require.NoError(t, err)
	require.Equal(t, ra, rb)

	names := entries(t, ra)
	require.Equal(t, []string{"code.tar.gz", "metadata.json"}, names)
}

func entries(t *testing.T, archive []byte) []string {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(archive))
	require.NoError(t, err)
	tr := tar.NewReader(gz)
	var names []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return names
		}
		require.NoError(t, err)
		require.Zero(t, h.ModTime.Unix())
		names = append(names, h.Name)
	}
}

func TestReleaseRefusesASymlinkOutOfThePackage(t *testing.T) {
	out, rel := t.TempDir(), t.TempDir()
	secret := filepath.Join(t.TempDir(), "secret")
	writeFile(t, secret, "not for the release")
	writeFile(t, filepath.Join(out, "connection.json"), `{"address":"127.0.0.1:9999"}`)
	require.NoError(t, os.MkdirAll(filepath.Join(out, "META-INF", "statedb"), 0o755))
	require.NoError(t, os.Symlink(secret, filepath.Join(out, "META-INF", "statedb", "x.json")))

	require.Error(t, run("release", []string{out, rel}))
	require.NoFileExists(t, filepath.Join(rel, "statedb", "statedb", "x.json"))
}
