package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/tracechain/tracechain/client"
)

// progress shows a bulk import's progress on stderr: a bar redrawn in place
// on a terminal, one plain line per chunk otherwise.
type progress struct {
	w     io.Writer
	tty   bool
	total int
	start time.Time
	drawn bool
}

func newProgress(w io.Writer, total int) *progress {
	return &progress{w: w, tty: isTerminal(w), total: total, start: time.Now()}
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func (p *progress) update(b client.BulkProgress) {
	elapsed := time.Since(p.start).Seconds()
	rate := 0.0
	if elapsed > 0 {
		rate = float64(b.CodesDone) / elapsed
	}
	failed := ""
	if b.Failed > 0 {
		failed = fmt.Sprintf(", %d chunk(s) failed", b.Failed)
	}
	if !p.tty {
		fmt.Fprintf(p.w, "commission: %d/%d codes, %d/%d transactions%s\n", b.CodesDone, b.Codes, b.ChunksDone, b.Chunks, failed)
		return
	}
	const width = 30
	frac := 0.0
	if b.Codes > 0 {
		frac = float64(b.CodesDone) / float64(b.Codes)
	}
	n := int(frac * width)
	bar := strings.Repeat("=", n)
	if n < width {
		bar += ">" + strings.Repeat(" ", width-n-1)
	}
	fmt.Fprintf(p.w, "\r[%s] %3.0f%% %d/%d codes  %d/%d tx  %.0f codes/s%s", bar, frac*100, b.CodesDone, b.Codes, b.ChunksDone, b.Chunks, rate, failed)
	p.drawn = true
}

func (p *progress) finish() {
	if p.tty && p.drawn {
		fmt.Fprintln(p.w)
	}
}
