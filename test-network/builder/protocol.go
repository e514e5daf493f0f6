package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ccaasType is the package type this builder accepts, as written in metadata.json.
const ccaasType = "ccaas"

// connection is the part of connection.json the builder checks; the peer reads the rest.
type connection struct {
	Address     string `json:"address"`
	DialTimeout string `json:"dial_timeout"`
	TLSRequired bool   `json:"tls_required"`
}

// detect accepts a package whose metadata.json says type "ccaas".
// Arguments: CHAINCODE_SOURCE_DIR CHAINCODE_METADATA_DIR.
func detect(args []string) error {
	if len(args) != 2 {
		return fmt.Errorf("want SOURCE_DIR METADATA_DIR, got %d args", len(args))
	}
	raw, err := os.ReadFile(filepath.Join(args[1], "metadata.json"))
	if err != nil {
		return err
	}
	var md struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(raw, &md); err != nil {
		return fmt.Errorf("metadata.json: %w", err)
	}
	if !strings.EqualFold(md.Type, ccaasType) {
		return fmt.Errorf("package type %q is not %q", md.Type, ccaasType)
	}
	return nil
}

// build validates connection.json and copies it, with any META-INF, to the output.
// Arguments: CHAINCODE_SOURCE_DIR CHAINCODE_METADATA_DIR BUILD_OUTPUT_DIR.
func build(args []string) error {
	if len(args) != 3 {
		return fmt.Errorf("want SOURCE_DIR METADATA_DIR OUTPUT_DIR, got %d args", len(args))
	}
	src, out := args[0], args[2]
	raw, err := os.ReadFile(filepath.Join(src, "connection.json"))
	if err != nil {
		return err
	}
	var c connection
	if err := json.Unmarshal(raw, &c); err != nil {
		return fmt.Errorf("connection.json: %w", err)
	}
	if c.Address == "" {
		return errors.New("connection.json: address is empty")
	}
	if err := os.WriteFile(filepath.Join(out, "connection.json"), raw, 0o644); err != nil {
		return err
	}
	return copyTree(filepath.Join(src, "META-INF"), filepath.Join(out, "META-INF"))
}

// release puts connection.json where the peer looks for a chaincode server.
// Arguments: BUILD_OUTPUT_DIR RELEASE_DIR.
func release(args []string) error {
	if len(args) != 2 {
		return fmt.Errorf("want BUILD_OUTPUT_DIR RELEASE_DIR, got %d args", len(args))
	}
	built, rel := args[0], args[1]
	dst := filepath.Join(rel, "chaincode", "server")
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	raw, err := os.ReadFile(filepath.Join(built, "connection.json"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dst, "connection.json"), raw, 0o644); err != nil {
		return err
	}
	return copyTree(filepath.Join(built, "META-INF"), filepath.Join(rel, "statedb"))
}

// copyTree copies a directory tree; a missing source is not an error. The
// source comes from a chaincode package, so it is read through an os.Root: a
// symlink in it cannot reach a file outside it.
func copyTree(src, dst string) error {
	root, err := os.OpenRoot(src)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer root.Close()
	return fs.WalkDir(root.FS(), ".", func(rel string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		raw, err := root.ReadFile(rel)
		if err != nil {
			return err
		}
		return os.WriteFile(target, raw, 0o644)
	})
}
