package epcisxml

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/tracechain/tracechain/chaincode/epcis"
)

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func hashes(t *testing.T, doc []byte) []string {
	t.Helper()
	h, err := epcis.DocumentHashes(doc)
	if err != nil {
		t.Fatalf("%v\n%s", err, doc)
	}
	return h
}

// TestPairsHaveTheJSONHashes: the same seven events, written by hand in
// EPCIS 2.0 JSON-LD, 2.0 XML and 1.2 XML (every event type, extensions in
// several namespaces and nested, ILMD, sensor data, lists written in
// another order, 1.x URNs and 1.2's wrappers), have the same CBV 2.0
// hashes in each binding.
func TestPairsHaveTheJSONHashes(t *testing.T) {
	want := hashes(t, readFile(t, "testdata/pairs/story.jsonld"))
	for _, tt := range []struct{ file, version string }{{"story_2_0.xml", "2.0"}, {"story_1_2.xml", "1.2"}} {
		t.Run(tt.file, func(t *testing.T) {
			d, err := ConvertBytes(readFile(t, filepath.Join("testdata/pairs", tt.file)))
			if err != nil {
				t.Fatal(err)
			}
			if d.Version != tt.version || d.Type != "EPCISDocument" || d.Events != len(want) {
				t.Errorf("version %s, type %s, %d events", d.Version, d.Type, d.Events)
			}
			if got := hashes(t, d.JSON); !slices.Equal(got, want) {
				t.Errorf("hashes\n%v\nwant\n%v", got, want)
			}
			// The document is one the strict reading takes, events and all.
			doc, err := epcis.ParseDocument(d.JSON)
			if err != nil {
				t.Fatal(err)
			}
			ev := doc.Events()
			if ev[0].BizStep != "commissioning" || ev[0].Disposition != "active" || ev[2].SourceList[0].Type == "" ||
				ev[3].EventID != "urn:uuid:3d5f8e10-0000-4000-8000-000000000001" || ev[3].ErrorDeclaration.Reason != "incorrect_data" ||
				ev[5].Type != "TransformationEvent" || ev[6].Type != "AssociationEvent" {
				t.Errorf("mapping: %s", d.JSON)
			}
			var lot string
			_ = json.Unmarshal(ev[0].ILMD["cbvmda:lotNumber"], &lot)
			if lot != "L1" {
				t.Errorf("ILMD lot %q: %s", lot, d.JSON)
			}
		})
	}
}

// TestJSONToXMLAndBack: every JSON-LD test document of the hash (the
// reference implementation's facts) and the story, written as XML by
// FromJSON and read back by Convert, keeps every event's hash.
func TestJSONToXMLAndBack(t *testing.T) {
	files, _ := filepath.Glob("../../chaincode/epcis/testdata/*.jsonld")
	files = append(files, "testdata/pairs/story.jsonld")
	if len(files) < 10 {
		t.Fatalf("only %d documents", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			doc := readFile(t, f)
			x, err := FromJSON(doc)
			if err != nil {
				t.Fatal(err)
			}
			d, err := ConvertBytes(x)
			if err != nil {
				t.Fatalf("%v\n%s", err, x)
			}
			if got, want := hashes(t, d.JSON), hashes(t, doc); !slices.Equal(got, want) {
				t.Errorf("hashes differ\n%v\n%v\n%s", got, want, x)
			}
		})
	}
}
