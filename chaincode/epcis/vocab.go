package epcis

import "strings"

// vocabulary is a CBV/GS1 vocabulary whose terms JSON-LD documents write as
// bare words ("shipping") in fields the EPCIS context types as @vocab; the
// pre-hash string uses the full web URI instead.
type vocabulary struct {
	prefix string          // IRI the bare word is appended to
	words  map[string]bool // the terms the EPCIS 2.0 context defines
}

func newVocabulary(prefix, words string) *vocabulary {
	v := &vocabulary{prefix: prefix, words: map[string]bool{}}
	for _, w := range strings.Fields(words) {
		v.words[w] = true
	}
	return v
}

// expand returns the web URI of a bare term of v, or s unchanged. Only the
// terms the standard context defines are expanded, as a JSON-LD processor
// would: an unknown word is not a standard vocabulary element.
func (v *vocabulary) expand(s string) string {
	if v != nil && v.words[s] {
		return v.prefix + s
	}
	return s
}

// The term lists below are those of the EPCIS 2.0 JSON-LD context
// (https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld).
var (
	vocabBizStep = newVocabulary("https://ref.gs1.org/cbv/BizStep-", `accepting arriving assembling collecting
		commissioning consigning creating_class_instance cycle_counting decommissioning departing destroying
		disassembling dispensing encoding entering_exiting holding inspecting installing killing loading other
		packing picking receiving removing repackaging repairing replacing reserving retail_selling sampling
		sensor_reporting shipping staging_outbound stock_taking stocking storing transporting unloading
		unpacking void_shipping`)
	vocabDisposition = newVocabulary("https://ref.gs1.org/cbv/Disp-", `active available completeness_verified
		completeness_inferred conformant container_closed container_open damaged destroyed dispensed disposed
		encoded expired in_progress in_transit inactive mismatch_instance mismatch_class mismatch_quantity
		needs_replacement no_pedigree_match non_conformant non_sellable_other partially_dispensed recalled
		reserved retail_sold returned sellable_accessible sellable_not_accessible stolen unavailable unknown`)
	vocabBizTransactionType = newVocabulary("https://ref.gs1.org/cbv/BTT-",
		`bol cert desadv inv pedigree po poc prodorder recadv rma testprd testres upevt`)
	vocabSourceDestType  = newVocabulary("https://ref.gs1.org/cbv/SDT-", `owning_party possessing_party location`)
	vocabMeasurementType = newVocabulary("https://gs1.org/voc/", `AbsoluteHumidity AbsorbedDose AbsorbedDoseRate
		Acceleration Radioactivity Altitude AmountOfSubstance AmountOfSubstancePerUnitVolume Angle
		AngularAcceleration AngularMomentum AngularVelocity Area Capacitance Conductance Conductivity Count
		Density Dimensionless DoseEquivalent DoseEquivalentRate DynamicViscosity ElectricCharge ElectricCurrent
		ElectricCurrentDensity ElectricFieldStrength Energy Exposure Force Frequency Illuminance Inductance
		Irradiance KinematicViscosity Length LinearMomentum Luminance LuminousFlux LuminousIntensity
		MagneticFlux MagneticFluxDensity MagneticVectorPotential Mass MassConcentration MassFlowRate
		MassPerAreaTime MemoryCapacity MolalityOfSolute MolarEnergy MolarMass MolarVolume Power Pressure
		RadiantFlux RadiantIntensity RelativeHumidity Resistance Resistivity SolidAngle SpecificVolume Speed
		SurfaceDensity SurfaceTension Temperature Time Torque Voltage Volume VolumeFlowRate VolumeFraction
		VolumetricFlux Wavenumber`)
	vocabSensorException = newVocabulary("https://gs1.org/voc/", `ALARM_CONDITION ERROR_CONDITION`)
	vocabComponent       = newVocabulary("https://ref.gs1.org/cbv/Comp-", `x y z axial_distance azimuth height
		spherical_radius polar_angle elevation_angle easting northing latitude longitude altitude`)
)

// cbvURNs maps the EPCIS 1.x URN forms of CBV vocabularies to the CBV 2.0 web
// URI prefixes that replace them in the pre-hash string.
var cbvURNs = []struct{ urn, web string }{
	{"urn:epcglobal:cbv:bizstep:", "https://ref.gs1.org/cbv/BizStep-"},
	{"urn:epcglobal:cbv:disp:", "https://ref.gs1.org/cbv/Disp-"},
	{"urn:epcglobal:cbv:btt:", "https://ref.gs1.org/cbv/BTT-"},
	{"urn:epcglobal:cbv:sdt:", "https://ref.gs1.org/cbv/SDT-"},
	{"urn:epcglobal:cbv:er:", "https://ref.gs1.org/cbv/ER-"},
}

// cbvWebURI rewrites an EPCIS 1.x CBV URN to its web URI; other values are
// returned unchanged.
func cbvWebURI(s string) string {
	for _, m := range cbvURNs {
		if strings.HasPrefix(s, m.urn) {
			return m.web + s[len(m.urn):]
		}
	}
	return s
}

// vocabErrorReason are the CBV 2.0 error reasons (errorDeclaration.reason),
// which the pre-hash string never contains (errorDeclaration is left out)
// but which the JSON binding writes as bare words too.
var vocabErrorReason = newVocabulary("https://ref.gs1.org/cbv/ER-", `did_not_occur incorrect_data`)

// CBVWord returns the bare CBV 2.0 word of an EPCIS 1.x CBV URN
// ("urn:epcglobal:cbv:bizstep:shipping" gives "shipping") when the EPCIS 2.0
// context defines that word for the vocabulary of the URN, and the value
// unchanged otherwise. The XML binding's 1.2 documents write URNs where the
// JSON binding writes bare words; the two forms have the same pre-hash
// string, so converting changes no event hash, and a URN whose word is not a
// standard term stays a URN, as its hash does.
func CBVWord(value string) string {
	for _, v := range []struct {
		urn string
		voc *vocabulary
	}{
		{"urn:epcglobal:cbv:bizstep:", vocabBizStep},
		{"urn:epcglobal:cbv:disp:", vocabDisposition},
		{"urn:epcglobal:cbv:btt:", vocabBizTransactionType},
		{"urn:epcglobal:cbv:sdt:", vocabSourceDestType},
		{"urn:epcglobal:cbv:er:", vocabErrorReason},
	} {
		if w, ok := strings.CutPrefix(value, v.urn); ok && v.voc.words[w] {
			return w
		}
	}
	return value
}
