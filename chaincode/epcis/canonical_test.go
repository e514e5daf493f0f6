package epcis

import "testing"

func TestCanonicalForms(t *testing.T) {
	tests := []struct {
		name, field, in, want string
	}{
		{"bare bizStep", "bizStep", "shipping", "https://ref.gs1.org/cbv/BizStep-shipping"},
		{"CURIE bizStep", "bizStep", " cbv:BizStep-shipping ", "https://ref.gs1.org/cbv/BizStep-shipping"},
		{"URN bizStep", "bizStep", "urn:epcglobal:cbv:bizstep:shipping", "https://ref.gs1.org/cbv/BizStep-shipping"},
		{"private bizStep", "bizStep", "https://ns.example.com/step/x", "https://ns.example.com/step/x"},
		{"bare disposition", "disposition", "in_transit", "https://ref.gs1.org/cbv/Disp-in_transit"},
		{"unknown word stays", "disposition", "shipping", "shipping"},
		{"EPC URN", "", "urn:epc:id:sgtin:0614141.107346.2017", "https://id.gs1.org/01/10614141073464/21/2017"},
		{"custom DL domain", "", "https://example.com/01/10614141073464/21/2017", "https://id.gs1.org/01/10614141073464/21/2017"},
		{"not GS1", "", "ecode:10086", "ecode:10086"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got string
			if tt.field == "" {
				got = CanonicalIdentifier(nil, tt.in)
			} else {
				got = CanonicalVocabulary(nil, tt.field, tt.in)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
