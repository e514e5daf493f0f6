package identifier

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// Seeds shared by the fuzz targets: valid inputs of every form plus inputs
// that exercise each rejection path.
var fuzzSeeds = []string{
	"(01)" + gtin14 + "(21)ABC123",
	"(01)" + gtin14 + "(10)L1(11)250115(17)270600(21)S/1",
	"01" + gtin14 + "11250115" + "17270600" + "10L1" + gsSep + "21S/1",
	"]d221A7" + gsSep + "01" + gtin14,
	"]C100" + sscc18,
	"(414)" + gln13,
	"(01)06901234567891",
	"(01)" + gtin14 + "(17)250230",
	dlSGTIN + "A%2F1",
	dlGTIN + "/22/V/10/L1/21/S1?11=250101&17=261231&utm_source=x#f",
	"http://example.com/a/b/01/" + gtin13 + "/21/A7",
	"https://example.com/00/" + sscc18,
	"https://example.com/414/" + gln13,
	dlGTIN + "/21/S/10/B",
	dlGTIN + "/21/A%2",
	"]Q1" + dlSGTIN + "1",
	"https://id.gs1.org/01/09520123456788/21/S1?3103=000195&17=201225",
	"(01)" + gtin14 + "(21)ABC123(3103)000195",
	"01" + gtin14 + "3103000195" + "7001" + "9520123456788" + gsSep + "21A",
	"(00)" + sscc18 + "(02)" + gtin14 + "(37)25(10)L1(4302)A%20B",
	"(01)" + gtin14 + "(8013)1987654Ad4X4bL5ttr2310c2K(8008)2501151230",
	"https://id.gs1.org/00/106141412345678908?02=00614141123452&37=25&10=ABC123",
	"https://[2001:db8::1]:8443/01/" + gtin14 + "?240=A%2FB&linkType=all",
	"https://192.0.2.1/414/" + gln13 + "/254/A1",
	"https://id.gs1.org/8006/095201234567880102/10/L/21/S",
	"https://id.gs1.org/8010/95201234%2F/8011/12",
	"https://$a/01/" + gtin14,
	"urn:epc:id:sgtin:0614141.812345.6789",
	"urn:epc:id:sgtin:0614141.112345.A%2FB%25C",
	"urn:epc:id:sscc:0614141.1234567890",
	"urn:epc:id:sgln:0614141.12345.0",
	"urn:epc:class:lgtin:9506000.013435.L%2F1",
	"ecode:10001123456789",
	"2100000011234567890",
	"ecode:310000001AB12CD",
	"2016010901123456",
	"ccc:2016010901123456",
	"dic:" + usccA + "/unit-1",
	"dic:" + strings.ToLower(usccB) + "/a.b_c~d",
	"",
	" ",
	"\x1d",
	"(",
	"]",
	"%",
}

// checkParsed asserts the package invariants for one parse result.
func checkParsed(t *testing.T, in string, c Code, err error) {
	t.Helper()
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("%q: error %T is not *Error: %v", in, err, err)
		}
		if !errors.Is(err, ErrInvalid) {
			t.Fatalf("%q: %v does not match ErrInvalid", in, err)
		}
		if s, ok := ruleSentinel[e.Rule]; !ok || !errors.Is(err, s) {
			t.Fatalf("%q: rule %q has no matching sentinel", in, e.Rule)
		}
		if e.Input != in || e.Offset < 0 || e.Offset > len(in) {
			t.Fatalf("%q: bad error position: %+v", in, e)
		}
		if !reflect.DeepEqual(c, Code{}) {
			t.Fatalf("%q: non-zero Code with error: %+v", in, c)
		}
		return
	}
	if c.Kind.Scheme() == "" || c.Canonical == "" {
		t.Fatalf("%q: accepted without kind or canonical: %+v", in, c)
	}
	for i := 0; i < len(c.Canonical); i++ {
		if b := c.Canonical[i]; b <= 0x20 || b >= 0x7f {
			t.Fatalf("%q: canonical %q has byte %#x", in, c.Canonical, b)
		}
	}
	if c.Attributes != nil && len(c.Attributes) == 0 {
		t.Fatalf("%q: empty non-nil Attributes", in)
	}
	back, err := Parse(c.Canonical)
	if err != nil {
		t.Fatalf("%q: canonical %q rejected: %v", in, c.Canonical, err)
	}
	if !reflect.DeepEqual(back, c.Identity()) {
		t.Fatalf("%q: Parse(canonical) = %+v, want identity %+v", in, back, c.Identity())
	}
	again, err := Parse(back.Canonical)
	if err != nil || !reflect.DeepEqual(again, back) {
		t.Fatalf("%q: canonical %q is not a fixed point: %+v, %v", in, back.Canonical, again, err)
	}
}

func addSeeds(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
}

func FuzzParse(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, in string) {
		c, err := Parse(in)
		checkParsed(t, in, c, err)
	})
}

// fuzzEntryPoint checks an entry point's invariants and, where Parse would
// route the input to the same parser, that both agree.
func fuzzEntryPoint(f *testing.F, parse func(string) (Code, error), sameAsParse func(string) bool) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, in string) {
		c, err := parse(in)
		checkParsed(t, in, c, err)
		if err == nil && sameAsParse(in) {
			c2, err := Parse(in)
			if err != nil || !reflect.DeepEqual(c, c2) {
				t.Fatalf("%q: entry point gave %+v, Parse gave %+v, %v", in, c, c2, err)
			}
		}
	})
}

func always(string) bool { return true }

func FuzzElementString(f *testing.F) {
	fuzzEntryPoint(f, ParseElementString, func(in string) bool {
		s := strings.TrimSpace(in)
		// Unbracketed strings led by 10/11/17/21 without GS read as Ecode in Parse.
		return s != "" && (s[0] == '(' || s[0] == ']' || strings.IndexByte(s, gs) >= 0 ||
			strings.HasPrefix(s, "00") || strings.HasPrefix(s, "01") || strings.HasPrefix(s, "414"))
	})
}

func FuzzDigitalLink(f *testing.F) { fuzzEntryPoint(f, ParseDigitalLink, always) }

// FuzzDigitalLinkURI checks the general Digital Link parser: its errors obey
// the package invariants, its canonical URI re-parses to the same link (a
// fixed point), Levels end at the primary key, and wherever ParseDigitalLink
// also accepts the input both agree on the key.
func FuzzDigitalLinkURI(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, in string) {
		dl, err := ParseDigitalLinkURI(in)
		if err != nil {
			checkParsed(t, in, Code{}, err)
			if _, err2 := ParseDigitalLink(in); err2 == nil {
				t.Fatalf("%q: ParseDigitalLink accepts what ParseDigitalLinkURI refuses: %v", in, err)
			}
			return
		}
		canon := dl.CanonicalURI()
		back, err := ParseDigitalLinkURI(canon)
		if err != nil {
			t.Fatalf("%q: canonical %q rejected: %v", in, canon, err)
		}
		if back.CanonicalURI() != canon || !reflect.DeepEqual(back.PrimaryKey, dl.PrimaryKey) ||
			!reflect.DeepEqual(back.Qualifiers, dl.Qualifiers) || !reflect.DeepEqual(back.Attributes, dl.Attributes) {
			t.Fatalf("%q: canonical %q re-parses to %+v, want %+v", in, canon, back, dl)
		}
		lv := dl.Levels()
		if len(lv) != len(dl.Qualifiers)+1 || !strings.HasPrefix(canon, lv[0]) {
			t.Fatalf("%q: levels %q do not match %q", in, lv, canon)
		}
		for _, l := range lv {
			if _, err := ParseDigitalLinkURI(l); err != nil && !errors.Is(err, ErrAI) {
				// A shorter level can only fail an association rule:
				// dropping 8020 from a 415 link breaks 415's req=8020.
				t.Fatalf("%q: level %q rejected: %v", in, l, err)
			}
		}
		if c, err := ParseDigitalLink(in); err == nil {
			if c.Canonical != lv[len(lv)-1] && !strings.HasPrefix(c.Canonical, lv[len(lv)-1]+"/") {
				t.Fatalf("%q: Code %q and link %q disagree on the key", in, c.Canonical, lv[len(lv)-1])
			}
		}
	})
}
func FuzzEPC(f *testing.F) { fuzzEntryPoint(f, ParseEPC, always) }
func FuzzCCC(f *testing.F) { fuzzEntryPoint(f, ParseCCC, always) }
func FuzzDIC(f *testing.F) { fuzzEntryPoint(f, ParseDIC, always) }

func FuzzEcode(f *testing.F) {
	fuzzEntryPoint(f, ParseEcode, func(in string) bool {
		s := strings.TrimSpace(in)
		// A bare 16-digit "20..." string is a CCC number to Parse.
		return !(len(s) == cccLen && strings.HasPrefix(s, "20"))
	})
}

func FuzzUSCC(f *testing.F) {
	for _, s := range []string{usccA, usccB, strings.ToLower(usccA), "91350100M000100Y44", "B1350100M000100Y43", "", "IOZSV"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		u, err := ParseUSCC(in)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || !errors.Is(err, ErrInvalid) || e.Offset < 0 || e.Offset > len(in) || e.Input != in {
				t.Fatalf("%q: bad error %#v", in, err)
			}
			return
		}
		if u != strings.ToUpper(in) {
			t.Fatalf("%q: normalised to %q", in, u)
		}
		if again, err := ParseUSCC(u); err != nil || again != u {
			t.Fatalf("%q: not a fixed point: %q, %v", in, again, err)
		}
		if c, err := USCCCheckChar(u[:17]); err != nil || c != u[17] {
			t.Fatalf("%q: check char %c, %v", in, c, err)
		}
		c, err := Parse("dic:" + in + "/x")
		checkParsed(t, "dic:"+in+"/x", c, err)
		if err != nil || c.Attributes["issuer"] != u {
			t.Fatalf("%q: not usable as DIC issuer: %+v, %v", in, c, err)
		}
	})
}

// FuzzSGTIN checks the builder against the parser.
func FuzzSGTIN(f *testing.F) {
	f.Add(gtin14, "ABC123")
	f.Add(gtin8, `!"%&'()*+,-./:;<=>?_`)
	f.Add("6901234567891", "1")
	f.Fuzz(func(t *testing.T, gtin, serial string) {
		c, err := SGTIN(gtin, serial)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("%q %q: %v", gtin, serial, err)
			}
			return
		}
		if c.Serial != serial || c.Kind != KindSGTIN {
			t.Fatalf("%q %q: %+v", gtin, serial, c)
		}
		checkParsed(t, c.Canonical, c, nil)
		es, err := Parse("(01)" + c.GTIN + "(21)" + serial)
		if !strings.Contains(serial, "(") && (err != nil || !reflect.DeepEqual(es, c)) {
			t.Fatalf("%q %q: element string gave %+v, %v", gtin, serial, es, err)
		}
	})
}
