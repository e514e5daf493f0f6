package identifier_test

import (
	"errors"
	"fmt"

	"github.com/tracechain/tracechain/chaincode/identifier"
)

func ExampleParse() {
	c, err := identifier.Parse("https://brand.example.com/p/01/9506000134352/10/L%2F7/21/SN-001?17=261200&utm_source=qr")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.Kind, c.Kind.Scheme())
	fmt.Println(c.Canonical)
	fmt.Println(c.GTIN, c.Serial, c.Batch, c.ExpiryDate)
	// Output:
	// sgtin gs1
	// https://id.gs1.org/01/09506000134352/21/SN-001
	// 09506000134352 SN-001 L/7 2026-12-31
}

func ExampleParse_elementString() {
	// GS1 DataMatrix scan: symbology identifier, then FNC1 sent as GS (0x1D).
	c, err := identifier.Parse("]d2010950600013435217261231" + "10LOT42\x1d" + "21SN-001")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c)
	fmt.Println(c.Batch, c.ExpiryDate)
	// Output:
	// https://id.gs1.org/01/09506000134352/21/SN-001
	// LOT42 2026-12-31
}

func ExampleParse_error() {
	_, err := identifier.Parse("(01)06901234567891(21)X")
	fmt.Println(err)
	fmt.Println(errors.Is(err, identifier.ErrCheckDigit), errors.Is(err, identifier.ErrInvalid))
	var e *identifier.Error
	if errors.As(err, &e) {
		fmt.Println(e.Rule, e.Offset)
	}
	// Output:
	// identifier: check digit: GTIN 06901234567891: expected 2, got 1 (offset 17)
	// true true
	// check digit 17
}

func ExampleParseUSCC() {
	u, err := identifier.ParseUSCC("91350100m000100y43")
	fmt.Println(u, err)
	_, err = identifier.ParseUSCC("91350100M000100Y44")
	fmt.Println(err)
	// Output:
	// 91350100M000100Y43 <nil>
	// identifier: check digit: USCC 91350100M000100Y44: expected 3, got 4 (offset 17)
}

func ExampleSGTIN() {
	c, _ := identifier.SGTIN("6901234567892", "A/1")
	fmt.Println(c)
	// Output:
	// https://id.gs1.org/01/06901234567892/21/A%2F1
}
