package identifier

import "strings"

// noKeyMsg is splitDLPath's error for a path with no GS1 primary key: the
// one failure after which a compressed reading is the likely intent.
const noKeyMsg = "no GS1 primary key in the path"

// maxQuotedURI bounds how much of a decoded URI an error quotes: the
// message reaches the resolver's public answers.
const maxQuotedURI = 160

// excerpt shortens s to at most n bytes, marking the cut.
func excerpt(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// notCompressedMsg says the last path segment cannot be compressed data.
const notCompressedMsg = "last path segment is not compressed data"

// compressedShape finds a compressed Digital Link path in s[pathStart:pathEnd]:
// the last segment is URI-safe base64, and either a primary key and its value
// stand before it (partially compressed: /01/{gtin}/{compressed}) or the
// rest is the resolver's own path prefix (fully compressed). ok is false if
// the last segment cannot be compressed data.
func compressedShape(s string, pathStart, pathEnd int) (seg dlSeg, key, keyVal dlSeg, keyDef *aiDef, ok bool) {
	j := strings.LastIndexByte(s[pathStart:pathEnd], '/') + pathStart
	seg = dlSeg{s[j+1 : pathEnd], j + 1}
	// An all-digit segment is an AI or a value: compressed data made only of
	// digits would start with a nibble D, E or F, which begins no GS1 AI.
	if seg.s == "" || allDigits(seg.s) {
		return seg, key, keyVal, nil, false
	}
	for i := 0; i < len(seg.s); i++ {
		if strings.IndexByte(compressAlphabet, seg.s[i]) < 0 {
			return seg, key, keyVal, nil, false
		}
	}
	// Look for /{key AI}/{value} right before the segment.
	if v := strings.LastIndexByte(s[pathStart:j], '/') + pathStart; v >= pathStart && v < j {
		if k := strings.LastIndexByte(s[pathStart:v], '/') + pathStart; k >= pathStart && k < v {
			if d, known := lookupAIDef(s[k+1 : v]); known && d.dlKey() {
				return seg, dlSeg{s[k+1 : v], k + 1}, dlSeg{s[v+1 : j], v + 1}, d, true
			}
		}
	}
	return seg, key, keyVal, nil, true
}

// expandCompressed rewrites a compressed Digital Link as its uncompressed
// URI on the same scheme, host and path prefix: the primary key and its
// qualifiers in the path, the other AIs and the non-GS1 pairs in the query,
// then the request's own query parameters. partial reports whether the path
// had the partially compressed shape, so that the caller knows the input was
// meant as compressed even when it does not decode.
func expandCompressed(s string, pathStart, pathEnd int) (uri string, seg dlSeg, partial bool, e *Error) {
	seg, key, keyVal, keyDef, ok := compressedShape(s, pathStart, pathEnd)
	if !ok {
		return "", seg, false, errAt(seg.off, RuleCompression, notCompressedMsg)
	}
	partial = keyDef != nil
	data, e := decompressSegment(seg.s, seg.off)
	if e != nil {
		return "", seg, partial, e
	}
	prefixEnd := seg.off - 1
	var pk AIValue
	rest := data.elems
	if partial {
		prefixEnd = key.off - 1
		v, err := primaryKeyValue(key.s, keyVal, keyDef)
		if err != nil {
			return "", seg, partial, err
		}
		pk = AIValue{key.s, v}
	} else {
		// The primary key is the first AI of the data that can be one, as
		// the compressor writes it and GS1's reference toolkit reads it; a
		// later key AI (a GTIN beside an SSCC) is a data attribute.
		found := -1
		for i, el := range data.elems {
			if d, _ := lookupAIDef(el.AI); d.dlKey() {
				found = i
				break
			}
		}
		if found < 0 {
			return "", seg, partial, errAt(seg.off, RuleCompression, "compressed data holds no GS1 primary key")
		}
		pk = data.elems[found]
		rest = append(append([]AIValue{}, data.elems[:found]...), data.elems[found+1:]...)
		keyDef, _ = lookupAIDef(pk.AI)
	}
	quals, attrs := orderQualifiers(keyDef, rest)

	var b strings.Builder
	b.WriteString(s[:prefixEnd])
	for _, el := range append([]AIValue{pk}, quals...) {
		b.WriteByte('/')
		b.WriteString(el.AI)
		b.WriteByte('/')
		writeDLValue(&b, el.Value)
	}
	sep := byte('?')
	param := func(k, v string) {
		b.WriteByte(sep)
		sep = '&'
		b.WriteString(k)
		b.WriteByte('=')
		writeDLValue(&b, v)
	}
	for _, a := range attrs {
		param(a.AI, a.Value)
	}
	for _, p := range data.other {
		param(p.key, p.value)
	}
	if q := s[pathEnd:]; strings.HasPrefix(q, "?") && len(q) > 1 {
		b.WriteByte(sep)
		b.WriteString(q[1:])
	}
	return b.String(), seg, partial, nil
}

// orderQualifiers splits AIs into the key's qualifiers, in the order of the
// first qualifier sequence that holds them all, and the rest, in their order.
func orderQualifiers(keyDef *aiDef, elems []AIValue) (quals, attrs []AIValue) {
	var qs []AIValue
	for _, el := range elems {
		if keyDef.qualifies(el.AI) {
			qs = append(qs, el)
		} else {
			attrs = append(attrs, el)
		}
	}
	for _, seq := range keyDef.quals {
		ordered := make([]AIValue, 0, len(qs))
		for _, ai := range seq {
			for _, q := range qs {
				if q.AI == ai {
					ordered = append(ordered, q)
				}
			}
		}
		if len(ordered) == len(qs) {
			return ordered, attrs
		}
	}
	// Qualifiers from two alternatives: keep them as decoded, and the
	// uncompressed parse reports the mix.
	return qs, attrs
}

// parseCompressedDL parses a compressed Digital Link; pathErr is the error
// of the uncompressed reading. An input that does not look compressed keeps
// pathErr; one that does gets the decompression error.
func parseCompressedDL(s string, pathStart, pathEnd int, pathErr *Error) (dlParsed, *Error) {
	uri, seg, partial, e := expandCompressed(s, pathStart, pathEnd)
	if e != nil {
		noKey := pathErr.Rule == RuleSyntax && pathErr.Msg == noKeyMsg
		switch {
		case seg.s == "" || e.Msg == notCompressedMsg:
			return dlParsed{}, pathErr
		case partial || noKey && seg.off == pathStart+1:
			// /01/{gtin}/{data} or /{data}: meant as compressed.
			return dlParsed{}, e
		case noKey:
			// /products/shoes: a path prefix with no key is the likelier
			// mistake, but say why the last segment did not decode either.
			return dlParsed{}, errAt(pathErr.Offset, RuleSyntax, "%s, and its last segment is not compressed data (%s)", noKeyMsg, e.Msg)
		}
		return dlParsed{}, pathErr
	}
	p, e := parseUncompressedDL(uri)
	if e != nil {
		// The expanded URI is not the input: report at the compressed
		// segment, quoting what it decoded to.
		return dlParsed{}, errAt(seg.off, e.Rule, "compressed Digital Link decodes to %s: %s", excerpt(uri, maxQuotedURI), e.Msg)
	}
	p.dl.Compressed = true
	p.keyOff = seg.off
	for i := range p.qualOff {
		p.qualOff[i] = seg.off
	}
	for i := range p.attrOff {
		p.attrOff[i] = seg.off
		p.attrVal[i] = seg.off
	}
	return p, nil
}

// Uncompressed returns d as an uncompressed Digital Link URI on its own
// scheme, host and path prefix, with its data attributes and other query
// parameters: the form a resolver exposes for a compressed request.
func (d DigitalLink) Uncompressed() string {
	var b strings.Builder
	b.WriteString(d.Scheme)
	b.WriteString("://")
	b.WriteString(d.Host)
	b.WriteString(d.PathPrefix)
	b.WriteString(strings.TrimPrefix(d.pathURI(len(d.Qualifiers)), strings.TrimSuffix(dlBase, "/")))
	sep := byte('?')
	for _, a := range d.Attributes {
		b.WriteByte(sep)
		sep = '&'
		b.WriteString(a.AI)
		b.WriteByte('=')
		writeDLValue(&b, a.Value)
	}
	if len(d.OtherParams) > 0 {
		b.WriteByte(sep)
		b.WriteString(d.OtherParams.Encode())
	}
	return b.String()
}
