package model

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Code is the stable, machine-readable class of a tracechain error. Clients
// switch on it; messages are for humans and may change.
type Code string

// Error codes.
const (
	CodeNotFound        Code = "NOT_FOUND"        // no such member, product, item, recall or sale
	CodeNotHolder       Code = "NOT_HOLDER"       // the caller does not hold the item
	CodeForbidden       Code = "FORBIDDEN"        // the caller's role may not do this
	CodeNotMember       Code = "NOT_MEMBER"       // the caller's MSP is not a registered (or is a suspended) member
	CodeInvalidCode     Code = "INVALID_CODE"     // a traceability code does not parse or is of the wrong kind
	CodeInvalidArgument Code = "INVALID_ARGUMENT" // a request field is missing or malformed
	CodeDuplicate       Code = "DUPLICATE"        // the identity already exists (on the ledger or twice in the request)
	CodeBadState        Code = "BAD_STATE"        // the item's state does not allow the transition
	CodeRecalled        Code = "RECALLED"         // the item or its batch is under recall
	CodeAlreadySold     Code = "ALREADY_SOLD"     // the unit has already been sold to an end customer
	CodeLimit           Code = "LIMIT"            // a bound on an organisation's writes is used up (the daily quotas of FileSignal and of clone reports from resales)
	CodeInternal        Code = "INTERNAL"         // ledger access failed; not caused by the request
)

// ErrorPrefix opens the rendered text of every Error.
const ErrorPrefix = "tracechain/"

// Error is the only error type the chaincode returns. It renders as
// "tracechain/<CODE>: <message>", followed by ` (subject: "<subject>")` when
// Subject is set, so that ParseError can recover all three fields from the
// text a gateway client receives.
type Error struct {
	Code    Code   `json:"code"`
	Message string `json:"message"`
	Subject string `json:"subject,omitempty"` // the offending code, MSP ID, GTIN or recall ID
}

// Errorf returns an Error without subject.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// SubjectErrorf returns an Error about subject.
func SubjectErrorf(code Code, subject string, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Subject: subject}
}

// Error renders the error for the wire.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(ErrorPrefix)
	b.WriteString(string(e.Code))
	b.WriteString(": ")
	b.WriteString(e.Message)
	if e.Subject != "" {
		b.WriteString(" (subject: ")
		b.WriteString(strconv.Quote(e.Subject))
		b.WriteString(")")
	}
	return b.String()
}

// Is reports whether target is an *Error with the same Code, so that
// errors.Is(err, &model.Error{Code: model.CodeDuplicate}) works.
func (e *Error) Is(target error) bool {
	var t *Error
	if !errors.As(target, &t) || t == nil {
		return false
	}
	return t.Code == e.Code
}

// CodeOf returns the Code of the first *Error in err's chain, or "" if none.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

var (
	errorPattern   = regexp.MustCompile(`tracechain/([A-Z][A-Z_]*): `)
	subjectPattern = regexp.MustCompile(` \(subject: ("(?:[^"\\]|\\.)*")\)$`)
)

// ParseError finds a rendered Error anywhere inside s, e.g. inside the
// "chaincode response 500, tracechain/DUPLICATE: ..." text produced by the
// gateway, and rebuilds it. The message runs to the end of the line.
func ParseError(s string) (*Error, bool) {
	loc := errorPattern.FindStringSubmatchIndex(s)
	if loc == nil {
		return nil, false
	}
	e := &Error{Code: Code(s[loc[2]:loc[3]])}
	msg := s[loc[1]:]
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	msg = strings.TrimRight(msg, " \r\t")
	if m := subjectPattern.FindStringSubmatchIndex(msg); m != nil {
		if subject, err := strconv.Unquote(msg[m[2]:m[3]]); err == nil {
			e.Subject = subject
			msg = msg[:m[0]]
		}
	}
	e.Message = msg
	return e, true
}
