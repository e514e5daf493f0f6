package epcisxml

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"
)

// Namespaces of the XML binding.
const (
	NamespaceXSI = "http://www.w3.org/2001/XMLSchema-instance"
	nsXMLNS      = "xmlns"
)

// stream is the one reading of an XML input: encoding/xml's tokens with
// every construct the binding does not need refused as it appears, and the
// nesting and attributes of each element bounded.
type stream struct {
	d      *xml.Decoder
	in     *countingReader
	lim    Limits
	depth  int
	first  bool              // no token read yet: only there is the XML declaration allowed
	path   []string          // names of the open elements, for errors
	prefix map[string]string // the prefix each namespace was first declared with
}

// countingReader refuses to read past the byte limit.
type countingReader struct {
	r   io.Reader
	n   int64
	max int64
}

// errTooLarge is returned by countingReader past its limit.
var errTooLarge = errors.New("too large")

func (c *countingReader) Read(p []byte) (int, error) {
	if c.n >= c.max {
		// One byte more than the limit proves the input exceeds it.
		var one [1]byte
		if n, _ := c.r.Read(one[:]); n > 0 {
			return 0, errTooLarge
		}
		return 0, io.EOF
	}
	if int64(len(p)) > c.max-c.n {
		p = p[:c.max-c.n]
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func newStream(r io.Reader, lim Limits) *stream {
	in := &countingReader{r: r, max: lim.Bytes}
	br := bufio.NewReader(in)
	if bom, _ := br.Peek(3); string(bom) == "\xef\xbb\xbf" {
		_, _ = br.Discard(3) // a UTF-8 byte-order mark, which encoding/xml takes for text
	}
	d := xml.NewDecoder(br)
	d.Strict = true // only the five predefined entities; no HTML autoclose
	// No CharsetReader: a declared encoding other than UTF-8 is an error.
	return &stream{d: d, in: in, lim: lim, first: true, prefix: map[string]string{}}
}

// fail returns an *Error at the current element.
func (s *stream) fail(code Code, msg string) *Error {
	line, _ := s.d.InputPos()
	return &Error{Code: code, Path: "/" + strings.Join(s.path, "/"), Line: line, Msg: msg}
}

// next returns the next start element, end element or character data;
// comments are skipped, and everything else is refused.
func (s *stream) next() (xml.Token, error) {
	for {
		t, err := s.d.Token()
		first := s.first
		s.first = false
		if err != nil {
			return nil, s.readError(err)
		}
		switch t := t.(type) {
		case xml.ProcInst:
			if t.Target == "xml" && first {
				continue
			}
			return nil, s.fail(CodeProcInst, "processing instruction "+excerpt(t.Target)+" refused: only the XML declaration may stand at the start")
		case xml.Directive:
			kind := "a DTD declaration"
			if f := bytes.Fields(t); len(f) > 0 {
				kind = excerpt(string(f[0]))
			}
			return nil, s.fail(CodeDTD, "<!"+strings.Trim(kind, `"`)+"> refused: EPCIS documents need no DTD, and a DTD can declare entities (billion laughs) or fetch external ones")
		case xml.Comment:
			continue
		case xml.StartElement:
			s.depth++
			s.path = append(s.path, clipName(t.Name.Local))
			if s.depth > s.lim.Depth {
				return nil, s.fail(CodeDepth, "elements nested deeper than "+strconv.Itoa(s.lim.Depth)+" levels")
			}
			if len(t.Attr) > s.lim.Attributes {
				return nil, s.fail(CodeAttributes, "more than "+strconv.Itoa(s.lim.Attributes)+" attributes on one element")
			}
			for _, a := range t.Attr {
				if a.Name.Space == nsXMLNS {
					if _, ok := s.prefix[a.Value]; !ok {
						s.prefix[a.Value] = a.Name.Local
					}
				}
			}
			return t.Copy(), nil
		case xml.EndElement:
			return t, nil
		case xml.CharData:
			return t.Copy(), nil
		}
	}
}

// pop leaves the element just ended.
func (s *stream) pop() {
	s.depth--
	s.path = s.path[:len(s.path)-1]
}

// readError classifies an error of encoding/xml.
func (s *stream) readError(err error) error {
	if errors.Is(err, errTooLarge) {
		return s.fail(CodeTooLarge, "the document has more than "+strconv.FormatInt(s.lim.Bytes, 10)+" bytes")
	}
	if errors.Is(err, io.EOF) {
		return s.fail(CodeSyntax, "unexpected end of the document")
	}
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		e := &Error{Code: CodeSyntax, Path: "/" + strings.Join(s.path, "/"), Line: se.Line, Msg: clip(se.Msg)}
		if strings.Contains(se.Msg, "entity") {
			e.Code = CodeEntity
			e.Msg = "entity reference refused (only &lt; &gt; &amp; &apos; &quot; and character references): " + clip(se.Msg)
		}
		return e
	}
	// A declared encoding other than UTF-8, and anything else the decoder
	// refuses outside its syntax errors.
	return s.fail(CodeSyntax, clip(err.Error()))
}

// clipName bounds an element name in a path: names are the input's too.
func clipName(n string) string {
	if len(n) > excerptMax {
		return strings.ToValidUTF8(n[:excerptMax], "") + "..."
	}
	return n
}

// clip bounds a message of encoding/xml, which may quote the input.
func clip(msg string) string {
	if len(msg) > 120 {
		return strings.ToValidUTF8(msg[:120], "") + "..."
	}
	return msg
}
