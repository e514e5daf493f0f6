// Package pgtest starts a throwaway PostgreSQL server for tests, as
// net/http/httptest starts HTTP servers: Debian's postgresql package,
// installed when missing, a fresh cluster in a temporary directory, a server
// on 127.0.0.1 on a free port, stopped by its PID and removed by Close.
//
// PostgreSQL refuses to run as root, so when the test runs as root the
// cluster belongs to the postgres system user that the package creates.
package pgtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// ErrUnavailable is returned by Start when PostgreSQL cannot be installed or
// found; a test skips on it.
var ErrUnavailable = errors.New("pgtest: PostgreSQL is not available")

// Server is a running PostgreSQL server.
type Server struct {
	// DSN connects to its postgres database as the superuser postgres.
	DSN  string
	Port int

	dir string
	cmd *exec.Cmd
	log *os.File
}

// Start installs PostgreSQL if needed, creates a cluster and starts a server.
// The caller must Close it.
func Start(ctx context.Context) (*Server, error) {
	bin, err := binDir(ctx)
	if err != nil {
		return nil, err
	}
	cred, err := serverUser()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "pgtest-")
	if err != nil {
		return nil, err
	}
	s := &Server{dir: dir}
	if err := s.start(ctx, bin, cred); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (s *Server) start(ctx context.Context, bin string, cred *syscall.Credential) error {
	data := filepath.Join(s.dir, "data")
	if cred != nil {
		if err := os.Chown(s.dir, int(cred.Uid), int(cred.Gid)); err != nil {
			return err
		}
	}
	var out strings.Builder
	initdb := exec.CommandContext(ctx, filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", //nolint:gosec // G204: bin is findBin's /usr/lib/postgresql/{major}/bin, data our own temp dir
		"-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	initdb.Dir = s.dir
	initdb.Stdout, initdb.Stderr = &out, &out
	if err := initdb.Run(); err != nil {
		return fmt.Errorf("pgtest: initdb: %v: %s", err, out.String())
	}
	port, err := freePort()
	if err != nil {
		return err
	}
	s.Port = port
	if s.log, err = os.Create(filepath.Join(s.dir, "postgres.log")); err != nil {
		return err
	}
	// Durability settings are off: the cluster lives for one test run.
	s.cmd = exec.Command(filepath.Join(bin, "postgres"), "-D", data, "-h", "127.0.0.1", //nolint:gosec // G204: as initdb's, plus a port from freePort
		"-p", strconv.Itoa(port), "-k", s.dir,
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Setpgid: true}
	s.cmd.Dir = s.dir
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("pgtest: start postgres: %w", err)
	}
	s.DSN = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
	return s.waitReady(ctx)
}

// waitReady pings until the server accepts connections.
func (s *Server) waitReady(ctx context.Context) error {
	db, err := sql.Open("pgx", s.DSN)
	if err != nil {
		return err
	}
	defer db.Close()
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := db.PingContext(ctx)
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(s.log.Name())
			return fmt.Errorf("pgtest: postgres did not start: %v: %s", err, b)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// NewDatabase creates an empty database and returns its DSN, so that tests
// sharing one server do not see each other's tables.
func (s *Server) NewDatabase(ctx context.Context, name string) (string, error) {
	db, err := sql.Open("pgx", s.DSN)
	if err != nil {
		return "", err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `CREATE DATABASE "`+strings.ReplaceAll(name, `"`, `""`)+`"`); err != nil {
		return "", fmt.Errorf("pgtest: create database %s: %w", name, err)
	}
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.Port, name), nil
}

// Close stops the server (a fast shutdown, by its PID) and removes its
// directory.
func (s *Server) Close() {
	if s.cmd != nil && s.cmd.Process != nil {
		_ = s.cmd.Process.Signal(syscall.SIGINT)
		done := make(chan struct{})
		go func() { _ = s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = s.cmd.Process.Kill()
			<-done
		}
	}
	if s.log != nil {
		s.log.Close()
	}
	os.RemoveAll(s.dir)
}

// binDir returns the directory of initdb and postgres, installing Debian's
// postgresql package as root when it is missing.
func binDir(ctx context.Context) (string, error) {
	if d := findBin(); d != "" {
		return d, nil
	}
	if os.Geteuid() != 0 {
		return "", fmt.Errorf("%w: no /usr/lib/postgresql/*/bin/postgres, and installing needs root", ErrUnavailable)
	}
	install := func() error {
		out, err := exec.CommandContext(ctx, "apt-get", "install", "-y", "postgresql").CombinedOutput()
		if err != nil {
			return fmt.Errorf("apt-get install postgresql: %v: %s", err, out)
		}
		return nil
	}
	if err := install(); err != nil {
		// The package lists may be stale or absent: refresh them once.
		if out, uerr := exec.CommandContext(ctx, "apt-get", "update").CombinedOutput(); uerr != nil {
			return "", fmt.Errorf("%w: %v; apt-get update: %v: %s", ErrUnavailable, err, uerr, out)
		}
		if err := install(); err != nil {
			return "", fmt.Errorf("%w: %v", ErrUnavailable, err)
		}
	}
	if d := findBin(); d != "" {
		return d, nil
	}
	return "", fmt.Errorf("%w: installed, but no /usr/lib/postgresql/*/bin/postgres", ErrUnavailable)
}

// findBin returns the bin directory of the newest installed major version.
func findBin() string {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "postgres")); err == nil {
			return d
		}
	}
	return ""
}

func version(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

// serverUser returns the credentials to run PostgreSQL with: nil (the
// current user) unless the test runs as root.
func serverUser() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("%w: running as root and there is no postgres user: %v", ErrUnavailable, err)
	}
	// An unparsed ID would be 0, root, which PostgreSQL refuses with a less
	// helpful message.
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("pgtest: postgres user's uid %q: %w", u.Uid, err)
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("pgtest: postgres user's gid %q: %w", u.Gid, err)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// freePort asks the kernel for a free TCP port on 127.0.0.1.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
