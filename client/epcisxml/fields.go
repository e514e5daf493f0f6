package epcisxml

// The EPCIS binding's elements of an event, by event type: the fields every
// event has, and those of each type (EPCIS 2.0 XSD, EPCglobal-epcis-2_0.xsd,
// and 1.2 in its extension wrappers). An element of no namespace that is
// not listed for its type is refused; extension wrappers ("extension",
// "baseExtension") are read through wherever they stand.
var (
	commonFields = []string{"eventTime", "recordTime", "eventTimeZoneOffset", "eventID", "errorDeclaration",
		"certificationInfo", "bizStep", "disposition", "readPoint", "bizLocation", "bizTransactionList",
		"sourceList", "destinationList", "sensorElementList", "persistentDisposition"}
	typeFields = map[string][]string{
		"ObjectEvent":         {"epcList", "action", "quantityList", "ilmd"},
		"AggregationEvent":    {"parentID", "childEPCs", "action", "childQuantityList"},
		"TransactionEvent":    {"parentID", "epcList", "action", "quantityList"},
		"TransformationEvent": {"inputEPCList", "inputQuantityList", "outputEPCList", "outputQuantityList", "transformationID", "ilmd"},
		"AssociationEvent":    {"parentID", "childEPCs", "childQuantityList", "action"},
	}
	// eventFields is typeFields with the common fields, as sets.
	eventFields = func() map[string]map[string]bool {
		m := map[string]map[string]bool{}
		for t, fs := range typeFields {
			set := map[string]bool{}
			for _, f := range append(append([]string{}, commonFields...), fs...) {
				set[f] = true
			}
			m[t] = set
		}
		return m
	}()
)

// Attributes of sensorMetadata and sensorReport, and the JSON kind of each.
var (
	sensorMetadataAttrs = map[string]kind{"time": text, "startTime": text, "endTime": text, "deviceID": text,
		"deviceMetadata": text, "rawData": text, "dataProcessingMethod": text, "bizRules": text}
	sensorReportAttrs = map[string]kind{"type": text, "exception": text, "deviceID": text, "deviceMetadata": text,
		"rawData": text, "dataProcessingMethod": text, "time": text, "microorganism": text, "chemicalSubstance": text,
		"value": number, "component": text, "stringValue": text, "booleanValue": boolean, "hexBinaryValue": text,
		"uriValue": text, "minValue": number, "maxValue": number, "meanValue": number, "sDev": number,
		"percRank": number, "percValue": number, "uom": text, "coordinateReferenceSystem": text}
)

// kind is the JSON kind of a value the XML binding writes as text.
type kind uint8

const (
	text kind = iota
	number
	boolean
)
