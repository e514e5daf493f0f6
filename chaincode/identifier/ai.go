package identifier

import (
	"strconv"
	"strings"
)

// This file holds the table of GS1 Application Identifiers and the checks
// that apply to an AI's value. The facts (AI numbers, formats, which AIs are
// predefined-length, Digital Link primary keys, key qualifiers and data
// attributes, mandatory and invalid pairings) are those of the GS1 General
// Specifications AI table as published in machine-readable form by the GS1
// Barcode Syntax Dictionary (github.com/gs1/gs1-syntax-dictionary, 2025
// release). The table below is written in this package's own notation:
//
//	format  components joined by '+': N = digits, X = CSET 82, Y = CSET 39,
//	        Z = CSET 64 (base64url); "N6" is exactly 6, "X..20" is 1 to 20;
//	        "[...]" marks an optional trailing component; ":name" adds a
//	        content check (see lintNames) to that component.
//	req     mandatory association: ',' separates alternatives, '+' joins
//	        AIs that must all be present; 'n' in a pattern is any digit.
//	ex      invalid pairings, same pattern syntax.
//	quals   Digital Link key qualifiers of a primary key, in path order;
//	        '|' separates alternative sequences.
//
// Content checks the Syntax Dictionary defines but this package does not
// run, because they need code lists or company-prefix data that would have
// to be kept current on every peer: iso3166, iso3166999, iso3166alpha2,
// iso4217, iban, mediatype, packagetype, importeridx, posinseqslash,
// couponcode, couponposoffer, gcppos1, gcppos2. Values of those AIs are still
// checked for character set and length.

type aiFlag uint8

const (
	fPre  aiFlag = 1 << iota // predefined length: no FNC1 separator needed after it
	fAttr                    // permitted as a Digital Link data attribute (query)
	fKey                     // Digital Link primary key
)

type aiSpec struct {
	ai     string // one AI or a range "3100-3105"
	flags  aiFlag
	format string
	req    string
	ex     string
	quals  string
	name   string
}

// aiSpecs is the AI table. Keep it in AI order; TestAITable checks that the
// expanded table is prefix-free, which unbracketed element strings rely on.
var aiSpecs = []aiSpec{
	{"00", fPre | fAttr | fKey, "N18:csum", "", "", "", "SSCC"},
	{"01", fPre | fAttr | fKey, "N14:csum", "", "255,37", "22,10,21|235", "GTIN"},
	{"02", fPre | fAttr, "N14:csum", "37", "01,03", "", "CONTENT"},
	{"03", fPre, "N14:csum", "", "01,02,37,235", "", "MTO GTIN"},
	{"10", fAttr, "X..20", "01,02,03,8006,8026", "", "", "BATCH/LOT"},
	{"11", fPre | fAttr, "N6:yymmd0", "01,02,03,8006,8026", "", "", "PROD DATE"},
	{"12", fPre | fAttr, "N6:yymmd0", "8020", "", "", "DUE DATE"},
	{"13", fPre | fAttr, "N6:yymmd0", "01,02,03,8006,8026", "", "", "PACK DATE"},
	{"15", fPre | fAttr, "N6:yymmd0", "01,02,03,8006,8026", "", "", "BEST BEFORE"},
	{"16", fPre | fAttr, "N6:yymmd0", "01,02,03,8006,8026", "", "", "SELL BY"},
	{"17", fPre | fAttr, "N6:yymmd0", "01,02,03,255,8006,8026", "", "", "EXPIRY"},
	{"20", fPre | fAttr, "N2", "01,02,03,8006,8026", "", "", "VARIANT"},
	{"21", 0, "X..20", "01,03,8006", "235", "", "SERIAL"},
	{"22", 0, "X..20", "01", "", "", "CPV"},
	{"235", 0, "X..28", "01", "", "", "TPX"},
	{"240", fAttr, "X..30", "01,02,03,8006,8026", "", "", "ADDITIONAL ID"},
	{"241", fAttr, "X..30", "01,02,03,8006,8026", "", "", "CUST. PART No."},
	{"242", fAttr, "N..6", "01,02,8006,8026", "", "", "MTO VARIANT"},
	{"243", fAttr, "X..20", "01,03", "", "", "PCN"},
	{"250", fAttr, "X..30", "01+21,03+21,8006+21", "", "", "SECONDARY SERIAL"},
	{"251", fAttr, "X..30", "01,03,8006", "", "", "REF. TO SOURCE"},
	{"253", fAttr | fKey, "N13:csum+[X..17]", "", "", "", "GDTI"},
	{"254", 0, "X..20", "414", "", "", "GLN EXTENSION"},
	{"255", fAttr | fKey, "N13:csum+[N..12]", "", "01,02,415,8006,8020,8026", "", "GCN"},
	{"30", fAttr, "N..8", "01,02", "", "", "VAR. COUNT"},
	// Measures: the AI's last digit is the position of the decimal point.
	{"3100-3105", fPre | fAttr, "N6", "01,02", "310n", "", "NET WEIGHT (kg)"},
	{"3110-3115", fPre | fAttr, "N6", "01,02", "311n", "", "LENGTH (m)"},
	{"3120-3125", fPre | fAttr, "N6", "01,02", "312n", "", "WIDTH (m)"},
	{"3130-3135", fPre | fAttr, "N6", "01,02", "313n", "", "HEIGHT (m)"},
	{"3140-3145", fPre | fAttr, "N6", "01,02", "314n", "", "AREA (m2)"},
	{"3150-3155", fPre | fAttr, "N6", "01,02", "315n", "", "NET VOLUME (l)"},
	{"3160-3165", fPre | fAttr, "N6", "01,02", "316n", "", "NET VOLUME (m3)"},
	{"3200-3205", fPre | fAttr, "N6", "01,02", "320n", "", "NET WEIGHT (lb)"},
	{"3210-3215", fPre | fAttr, "N6", "01,02", "321n", "", "LENGTH (in)"},
	{"3220-3225", fPre | fAttr, "N6", "01,02", "322n", "", "LENGTH (ft)"},
	{"3230-3235", fPre | fAttr, "N6", "01,02", "323n", "", "LENGTH (yd)"},
	{"3240-3245", fPre | fAttr, "N6", "01,02", "324n", "", "WIDTH (in)"},
	{"3250-3255", fPre | fAttr, "N6", "01,02", "325n", "", "WIDTH (ft)"},
	{"3260-3265", fPre | fAttr, "N6", "01,02", "326n", "", "WIDTH (yd)"},
	{"3270-3275", fPre | fAttr, "N6", "01,02", "327n", "", "HEIGHT (in)"},
	{"3280-3285", fPre | fAttr, "N6", "01,02", "328n", "", "HEIGHT (ft)"},
	{"3290-3295", fPre | fAttr, "N6", "01,02", "329n", "", "HEIGHT (yd)"},
	{"3300-3305", fPre | fAttr, "N6", "00,01", "330n", "", "GROSS WEIGHT (kg)"},
	{"3310-3315", fPre | fAttr, "N6", "00,01", "331n", "", "LENGTH (m), log"},
	{"3320-3325", fPre | fAttr, "N6", "00,01", "332n", "", "WIDTH (m), log"},
	{"3330-3335", fPre | fAttr, "N6", "00,01", "333n", "", "HEIGHT (m), log"},
	{"3340-3345", fPre | fAttr, "N6", "00,01", "334n", "", "AREA (m2), log"},
	{"3350-3355", fPre | fAttr, "N6", "00,01", "335n", "", "VOLUME (l), log"},
	{"3360-3365", fPre | fAttr, "N6", "00,01", "336n", "", "VOLUME (m3), log"},
	{"3370-3375", fPre | fAttr, "N6", "01", "337n", "", "KG PER m2"},
	{"3400-3405", fPre | fAttr, "N6", "00,01", "340n", "", "GROSS WEIGHT (lb)"},
	{"3410-3415", fPre | fAttr, "N6", "00,01", "341n", "", "LENGTH (in), log"},
	{"3420-3425", fPre | fAttr, "N6", "00,01", "342n", "", "LENGTH (ft), log"},
	{"3430-3435", fPre | fAttr, "N6", "00,01", "343n", "", "LENGTH (yd), log"},
	{"3440-3445", fPre | fAttr, "N6", "00,01", "344n", "", "WIDTH (in), log"},
	{"3450-3455", fPre | fAttr, "N6", "00,01", "345n", "", "WIDTH (ft), log"},
	{"3460-3465", fPre | fAttr, "N6", "00,01", "346n", "", "WIDTH (yd), log"},
	{"3470-3475", fPre | fAttr, "N6", "00,01", "347n", "", "HEIGHT (in), log"},
	{"3480-3485", fPre | fAttr, "N6", "00,01", "348n", "", "HEIGHT (ft), log"},
	{"3490-3495", fPre | fAttr, "N6", "00,01", "349n", "", "HEIGHT (yd), log"},
	{"3500-3505", fPre | fAttr, "N6", "01,02", "350n", "", "AREA (in2)"},
	{"3510-3515", fPre | fAttr, "N6", "01,02", "351n", "", "AREA (ft2)"},
	{"3520-3525", fPre | fAttr, "N6", "01,02", "352n", "", "AREA (yd2)"},
	{"3530-3535", fPre | fAttr, "N6", "00,01", "353n", "", "AREA (in2), log"},
	{"3540-3545", fPre | fAttr, "N6", "00,01", "354n", "", "AREA (ft2), log"},
	{"3550-3555", fPre | fAttr, "N6", "00,01", "355n", "", "AREA (yd2), log"},
	{"3560-3565", fPre | fAttr, "N6", "01,02", "356n", "", "NET WEIGHT (tr oz)"},
	{"3570-3575", fPre | fAttr, "N6", "01,02", "357n", "", "NET VOLUME (oz)"},
	{"3600-3605", fPre | fAttr, "N6", "01,02", "360n", "", "NET VOLUME (qt)"},
	{"3610-3615", fPre | fAttr, "N6", "01,02", "361n", "", "NET VOLUME (gal.)"},
	{"3620-3625", fPre | fAttr, "N6", "00,01", "362n", "", "VOLUME (qt), log"},
	{"3630-3635", fPre | fAttr, "N6", "00,01", "363n", "", "VOLUME (gal.), log"},
	{"3640-3645", fPre | fAttr, "N6", "01,02", "364n", "", "NET VOLUME (in3)"},
	{"3650-3655", fPre | fAttr, "N6", "01,02", "365n", "", "NET VOLUME (ft3)"},
	{"3660-3665", fPre | fAttr, "N6", "01,02", "366n", "", "NET VOLUME (yd3)"},
	{"3670-3675", fPre | fAttr, "N6", "00,01", "367n", "", "VOLUME (in3), log"},
	{"3680-3685", fPre | fAttr, "N6", "00,01", "368n", "", "VOLUME (ft3), log"},
	{"3690-3695", fPre | fAttr, "N6", "00,01", "369n", "", "VOLUME (yd3), log"},
	{"37", fAttr, "N..8", "00+02,00+8026", "", "", "COUNT"},
	{"3900-3909", fAttr, "N..15", "255,8020", "390n,391n,394n,8111", "", "AMOUNT"},
	{"3910-3919", fAttr, "N3+N..15", "8020", "391n", "", "AMOUNT (ISO)"},
	{"3920-3929", fAttr, "N..15", "01+30,01+31nn,01+32nn,01+35nn,01+36nn", "392n,393n", "", "PRICE"},
	{"3930-3939", fAttr, "N3+N..15", "30,31nn,32nn,35nn,36nn", "393n", "", "PRICE (ISO)"},
	{"3940-3943", fAttr, "N4", "255", "394n,8111", "", "PRCNT OFF"},
	{"3950-3955", fAttr, "N6", "30,31nn,32nn,35nn,36nn", "392n,393n,395n,8005", "", "PRICE/UoM"},
	{"400", fAttr, "X..30", "", "", "", "ORDER NUMBER"},
	{"401", fAttr | fKey, "X..30", "", "", "", "GINC"},
	{"402", fAttr | fKey, "N17:csum", "", "", "", "GSIN"},
	{"403", fAttr, "X..30", "00", "", "", "ROUTE"},
	{"410", fPre | fAttr, "N13:csum", "", "", "", "SHIP TO LOC"},
	{"411", fPre | fAttr, "N13:csum", "", "", "", "BILL TO"},
	{"412", fPre | fAttr, "N13:csum", "", "", "", "PURCHASE FROM"},
	{"413", fPre | fAttr, "N13:csum", "", "", "", "SHIP FOR LOC"},
	{"414", fPre | fAttr | fKey, "N13:csum", "", "", "254|7040", "GLN"},
	{"415", fPre | fAttr | fKey, "N13:csum", "8020", "", "8020", "PAY TO"},
	{"416", fPre | fAttr, "N13:csum", "", "", "", "PROD/SERV LOC"},
	{"417", fPre | fAttr | fKey, "N13:csum", "", "", "7040", "PARTY"},
	{"420", fAttr, "X..20", "", "421", "", "SHIP TO POST"},
	{"421", fAttr, "N3+X..9", "", "4307", "", "SHIP TO POST (ISO)"},
	{"422", fAttr, "N3", "01,02,03,8006,8026", "426", "", "ORIGIN"},
	{"423", fAttr, "N3+[N3]+[N3]+[N3]+[N3]", "01,02,03", "426", "", "COUNTRY - INITIAL PROCESS"},
	{"424", fAttr, "N3", "01,02,03", "426", "", "COUNTRY - PROCESS"},
	{"425", fAttr, "N3+[N3]+[N3]+[N3]+[N3]", "01,02,03", "426", "", "COUNTRY - DISASSEMBLY"},
	{"426", fAttr, "N3", "01,02,03", "", "", "COUNTRY - FULL PROCESS"},
	{"427", fAttr, "X..3", "01+422,02+422,03+422", "", "", "ORIGIN SUBDIVISION"},
	{"4300", fAttr, "X..35:pcenc", "00", "", "", "SHIP TO COMP"},
	{"4301", fAttr, "X..35:pcenc", "00", "", "", "SHIP TO NAME"},
	{"4302", fAttr, "X..70:pcenc", "00", "", "", "SHIP TO ADD1"},
	{"4303", fAttr, "X..70:pcenc", "4302", "", "", "SHIP TO ADD2"},
	{"4304", fAttr, "X..70:pcenc", "00", "", "", "SHIP TO SUB"},
	{"4305", fAttr, "X..70:pcenc", "00", "", "", "SHIP TO LOC"},
	{"4306", fAttr, "X..70:pcenc", "00", "", "", "SHIP TO REG"},
	{"4307", fAttr, "X2", "00", "", "", "SHIP TO COUNTRY"},
	{"4308", fAttr, "X..30", "00", "", "", "SHIP TO PHONE"},
	{"4309", fAttr, "N10:latitude+N10:longitude", "00", "", "", "SHIP TO GEO"},
	{"4310", fAttr, "X..35:pcenc", "00", "", "", "RTN TO COMP"},
	{"4311", fAttr, "X..35:pcenc", "00", "", "", "RTN TO NAME"},
	{"4312", fAttr, "X..70:pcenc", "00", "", "", "RTN TO ADD1"},
	{"4313", fAttr, "X..70:pcenc", "4312", "", "", "RTN TO ADD2"},
	{"4314", fAttr, "X..70:pcenc", "00", "", "", "RTN TO SUB"},
	{"4315", fAttr, "X..70:pcenc", "00", "", "", "RTN TO LOC"},
	{"4316", fAttr, "X..70:pcenc", "00", "", "", "RTN TO REG"},
	{"4317", fAttr, "X2", "00", "", "", "RTN TO COUNTRY"},
	{"4318", fAttr, "X..20", "00", "", "", "RTN TO POST"},
	{"4319", fAttr, "X..30", "00", "", "", "RTN TO PHONE"},
	{"4320", fAttr, "X..35:pcenc", "00", "", "", "SRV DESCRIPTION"},
	{"4321", fAttr, "N1:yesno", "00", "", "", "DANGEROUS GOODS"},
	{"4322", fAttr, "N1:yesno", "00", "", "", "AUTH TO LEAVE"},
	{"4323", fAttr, "N1:yesno", "00", "", "", "SIG REQUIRED"},
	{"4324", fAttr, "N6:yymmd0+N4:hhmi", "00", "", "", "NOT BEF DEL DT"},
	{"4325", fAttr, "N6:yymmd0+N4:hhmi", "00", "", "", "NOT AFT DEL DT"},
	{"4326", fAttr, "N6:yymmdd", "00", "", "", "REL DATE"},
	{"4330", fAttr, "N6+[X1:hyphen]", "00", "4331", "", "MAX TEMP F."},
	{"4331", fAttr, "N6+[X1:hyphen]", "00", "4330", "", "MAX TEMP C."},
	{"4332", fAttr, "N6+[X1:hyphen]", "00", "4333", "", "MIN TEMP F."},
	{"4333", fAttr, "N6+[X1:hyphen]", "00", "4332", "", "MIN TEMP C."},
	{"7001", fAttr, "N13", "01,02,8006,8026", "", "", "NSN"},
	{"7002", fAttr, "X..30", "01,02", "", "", "MEAT CUT"},
	{"7003", fAttr, "N6:yymmdd+N4:hhmi", "01,02,03", "", "", "EXPIRY TIME"},
	{"7004", fAttr, "N..4", "01+10,03+10", "", "", "ACTIVE POTENCY"},
	{"7005", fAttr, "X..12", "01,02", "", "", "CATCH AREA"},
	{"7006", fAttr, "N6:yymmdd", "01,02", "", "", "FIRST FREEZE DATE"},
	{"7007", fAttr, "N6:yymmdd+[N6:yymmdd]", "01,02", "", "", "HARVEST DATE"},
	{"7008", fAttr, "X..3", "01,02", "", "", "AQUATIC SPECIES"},
	{"7009", fAttr, "X..10", "01,02", "", "", "FISHING GEAR TYPE"},
	{"7010", fAttr, "X..2", "01,02,03", "", "", "PROD METHOD"},
	{"7011", fAttr, "N6:yymmdd+[N4:hhmi]", "01,02,03", "", "", "TEST BY DATE"},
	{"7020", fAttr, "X..20", "01+416,03+416,8006+416", "", "", "REFURB LOT"},
	{"7021", fAttr, "X..20", "01,03,8006", "", "", "FUNC STAT"},
	{"7022", fAttr, "X..20", "01+7021,03+7021,8006+7021", "", "", "REV STAT"},
	{"7023", fAttr, "X..30", "", "", "", "GIAI - ASSEMBLY"},
	{"7030-7039", fAttr, "N3+X..27", "01,02", "", "", "PROCESSOR"},
	{"7040", 0, "N1+X1+X1+X1", "", "", "", "UIC+EXT"},
	{"7041", 0, "X..4", "00", "", "", "UFRGT UNIT TYPE"},
	{"710-717", fAttr, "X..20", "01", "", "", "NHRN"},
	{"7230-7239", fAttr, "X2+X..28", "01,8004", "", "", "CERT #"},
	{"7240", fAttr, "X..20", "01,8006", "03", "", "PROTOCOL"},
	{"7241", fAttr, "N2", "8017,8018", "", "", "AIDC MEDIA TYPE"},
	{"7242", fAttr, "X..25", "8017,8018", "", "", "VCN"},
	{"7250", fAttr, "N8:yyyymmdd", "8018", "7251", "", "DOB"},
	{"7251", fAttr, "N8:yyyymmdd+N4:hhmi", "8018", "7250", "", "DOB TIME"},
	{"7252", fAttr, "N1:iso5218", "8018", "", "", "BIO SEX"},
	{"7253", fAttr, "X..40:pcenc", "8017,8018", "7256,7259", "", "FAMILY NAME"},
	{"7254", fAttr, "X..40:pcenc", "8017,8018", "7256,7259", "", "GIVEN NAME"},
	{"7255", fAttr, "X..10", "8017,8018", "7256,7259", "", "SUFFIX"},
	{"7256", fAttr, "X..90:pcenc", "8017,8018", "", "", "FULL NAME"},
	{"7257", fAttr, "X..70:pcenc", "8018", "", "", "PERSON ADDR"},
	{"7258", fAttr, "X3", "8018+7259", "", "", "BIRTH SEQUENCE"},
	{"7259", fAttr, "X..40:pcenc", "8018", "7256", "", "BABY"},
	{"8001", fAttr, "N4:nonzero+N5:nonzero+N3:nonzero+N1:winding+N1", "01", "", "", "DIMENSIONS"},
	{"8002", fAttr, "X..20", "", "", "", "CMT No."},
	{"8003", fAttr | fKey, "N1:zero+N13:csum+[X..16]", "", "", "", "GRAI"},
	{"8004", fAttr | fKey, "X..30", "", "", "7040", "GIAI"},
	{"8005", fAttr, "N6", "01,02", "", "", "PRICE PER UNIT"},
	{"8006", fAttr | fKey, "N14:csum+N4:pieceoftotal", "", "01,03,37", "22,10,21", "ITIP"},
	{"8007", fAttr, "X..34", "415", "", "", "IBAN"},
	{"8008", fAttr, "N6:yymmdd+N2:hh+[N2:mi]+[N2:ss]", "01,02,03", "", "", "PROD TIME"},
	{"8009", fAttr, "X..50", "00,01,03", "", "", "OPTSEN"},
	{"8010", fAttr | fKey, "Y..30", "", "", "8011", "CPID"},
	{"8011", 0, "N..12:nozeroprefix", "8010", "", "", "CPID SERIAL"},
	{"8012", fAttr, "X..20", "01,03,8006", "", "", "VERSION"},
	{"8013", fAttr | fKey, "X..25:csumalpha", "", "", "", "GMN"},
	{"8014", 0, "X..25:csumalpha:hasnondigit", "01", "", "", "MUDI"},
	{"8017", fAttr | fKey, "N18:csum", "", "8018", "8019", "GSRN - PROVIDER"},
	{"8018", fAttr | fKey, "N18:csum", "", "8017", "8019", "GSRN - RECIPIENT"},
	{"8019", 0, "N..10", "8017,8018", "", "", "SRIN"},
	{"8020", 0, "X..25", "415", "", "", "REF No."},
	{"8026", fAttr, "N14:csum+N4:pieceoftotal", "37", "02,03,8006", "", "ITIP CONTENT"},
	{"8030", fAttr, "Z..90", "00,01+21,03+21,253,255,8003,8004,8006+21,8010+8011,8017,8018", "", "", "DIGSIG"},
	{"8040", 0, "N15", "01+21", "", "", "IMEI"},
	{"8041", 0, "N15", "01+21+8040", "", "", "IMEI2"},
	{"8042", 0, "N32", "01+21+8040", "", "", "ESIM"},
	{"8043", 0, "N18+[N..2]", "01+21+8040", "", "", "PSIM"},
	{"8110", fAttr, "X..70", "", "", "", "COUPON"},
	{"8111", fAttr, "N4", "255", "", "", "POINTS"},
	{"8112", fAttr, "X..70", "", "", "", "PAPERLESS COUPON"},
	{"8200", 0, "X..70", "01", "", "", "PRODUCT URL"},
	{"90", fAttr, "X..30", "", "", "", "INTERNAL"},
	{"91-99", fAttr, "X..90", "", "", "", "INTERNAL"},
}

// lint is a content check on one component of an AI value.
type lint uint8

const (
	lintCsum         lint = iota + 1 // GS1 mod-10 check digit in the last position
	lintCsumAlpha                    // GS1 check character pair (GMN, MUDI)
	lintYYMMD0                       // date, day 00 allowed
	lintYYMMDD                       // date
	lintYYYYMMDD                     // date with four-digit year
	lintHHMI                         // time of day
	lintHH                           // hour
	lintMI                           // minute
	lintSS                           // second
	lintZero                         // the digit 0
	lintNonZero                      // not all zeros
	lintYesNo                        // 0 or 1
	lintWinding                      // 0, 1 or 9
	lintISO5218                      // 0, 1, 2 or 9
	lintPieceOfTotal                 // piece number then total, 1 <= piece <= total
	lintHyphen                       // the character '-'
	lintNoZeroPrefix                 // no leading zero unless the value is "0"
	lintHasNonDigit                  // at least one non-digit
	lintPcEnc                        // well-formed %-escapes inside the value
	lintLatitude                     // 0 to 1800000000 (degrees * 10^7 + 90 * 10^7)
	lintLongitude                    // 0 to 3600000000
)

var lintNames = map[string]lint{
	"csum": lintCsum, "csumalpha": lintCsumAlpha, "yymmd0": lintYYMMD0, "yymmdd": lintYYMMDD,
	"yyyymmdd": lintYYYYMMDD, "hhmi": lintHHMI, "hh": lintHH, "mi": lintMI, "ss": lintSS,
	"zero": lintZero, "nonzero": lintNonZero, "yesno": lintYesNo, "winding": lintWinding,
	"iso5218": lintISO5218, "pieceoftotal": lintPieceOfTotal, "hyphen": lintHyphen,
	"nozeroprefix": lintNoZeroPrefix, "hasnondigit": lintHasNonDigit, "pcenc": lintPcEnc,
	"latitude": lintLatitude, "longitude": lintLongitude,
}

// aiComp is one component of an AI value.
type aiComp struct {
	cset     byte // 'N', 'X', 'Y' or 'Z'
	min, max int
	optional bool
	lints    []lint
}

// aiDef is one expanded AI of the table.
type aiDef struct {
	ai     string
	name   string
	format string
	flags  aiFlag
	comps  []aiComp
	fixed  int        // value length if all components are fixed and mandatory, else 0
	req    [][]string // alternatives of AI patterns that must all be present
	reqTxt string
	ex     []string
	quals  [][]string // Digital Link qualifier sequences of a primary key
}

func (d *aiDef) predefined() bool { return d.flags&fPre != 0 }
func (d *aiDef) dlAttr() bool     { return d.flags&fAttr != 0 }
func (d *aiDef) dlKey() bool      { return d.flags&fKey != 0 }

// label names the AI in messages: "GTIN" for the keys the package has always
// named so, "AI 3103" otherwise.
func (d *aiDef) label() string {
	switch d.ai {
	case AIGTIN, AISSCC, AIGLN:
		return d.name
	}
	return "AI " + d.ai
}

var (
	aiByCode   map[string]*aiDef
	dlQualAIs  map[string]bool // AIs that qualify some primary key in a Digital Link path
	maxDLQuals int             // longest qualifier sequence of any primary key
)

func init() {
	aiByCode = make(map[string]*aiDef, 512)
	dlQualAIs = map[string]bool{}
	for _, s := range aiSpecs {
		lo, hi := s.ai, s.ai
		if i := strings.IndexByte(s.ai, '-'); i >= 0 {
			lo, hi = s.ai[:i], s.ai[i+1:]
		}
		a, _ := strconv.Atoi(lo)
		b, _ := strconv.Atoi(hi)
		for n := a; n <= b; n++ {
			ai := strconv.Itoa(n)
			for len(ai) < len(lo) {
				ai = "0" + ai
			}
			d := &aiDef{ai: ai, name: s.name, format: s.format, flags: s.flags}
			d.comps, d.fixed = parseFormat(s.format)
			d.req, d.reqTxt = splitAlternatives(s.req, "+"), s.req
			if s.ex != "" {
				d.ex = strings.Split(s.ex, ",")
			}
			if s.quals != "" {
				for _, alt := range strings.Split(s.quals, "|") {
					q := strings.Split(alt, ",")
					d.quals = append(d.quals, q)
					maxDLQuals = max(maxDLQuals, len(q))
					for _, x := range q {
						dlQualAIs[x] = true
					}
				}
			}
			if _, dup := aiByCode[ai]; dup {
				panic("identifier: AI " + ai + " twice in aiSpecs")
			}
			aiByCode[ai] = d
		}
	}
}

func splitAlternatives(s, sep string) [][]string {
	if s == "" {
		return nil
	}
	var out [][]string
	for _, alt := range strings.Split(s, ",") {
		out = append(out, strings.Split(alt, sep))
	}
	return out
}

// parseFormat reads the table's format notation; the table is static, so a
// malformed entry panics at init and TestAITable catches it.
func parseFormat(f string) ([]aiComp, int) {
	var comps []aiComp
	fixed := 0
	allFixed := true
	for _, part := range strings.Split(f, "+") {
		var c aiComp
		if strings.HasPrefix(part, "[") {
			c.optional = true
			part = strings.TrimSuffix(strings.TrimPrefix(part, "["), "]")
		}
		spec, lints, _ := strings.Cut(part, ":")
		if lints != "" {
			for _, l := range strings.Split(lints, ":") {
				id, ok := lintNames[l]
				if !ok {
					panic("identifier: unknown check " + l + " in AI format " + f)
				}
				c.lints = append(c.lints, id)
			}
		}
		c.cset = spec[0]
		if strings.HasPrefix(spec[1:], "..") {
			n, err := strconv.Atoi(spec[3:])
			if err != nil {
				panic("identifier: bad AI format " + f)
			}
			c.min, c.max = 1, n
			allFixed = false
		} else {
			n, err := strconv.Atoi(spec[1:])
			if err != nil {
				panic("identifier: bad AI format " + f)
			}
			c.min, c.max = n, n
			fixed += n
		}
		if c.optional {
			allFixed = false
		}
		comps = append(comps, c)
	}
	if !allFixed {
		fixed = 0
	}
	return comps, fixed
}

// lookupAIDef returns the definition of an AI given as digits.
func lookupAIDef(ai string) (*aiDef, bool) {
	d, ok := aiByCode[ai]
	return d, ok
}

// aiPrefixAt identifies the AI at the start of s (unbracketed element
// strings). AIs are 2 to 4 digits and the table is prefix-free, so at most
// one length matches.
func aiPrefixAt(s string) (*aiDef, bool) {
	for n := 2; n <= 4 && n <= len(s); n++ {
		if d, ok := aiByCode[s[:n]]; ok {
			return d, true
		}
	}
	return nil, false
}

// aiPatternMatch reports whether ai matches a table pattern such as "31nn".
func aiPatternMatch(pattern, ai string) bool {
	if len(pattern) != len(ai) {
		return false
	}
	for i := 0; i < len(ai); i++ {
		if pattern[i] != 'n' && pattern[i] != ai[i] {
			return false
		}
	}
	return true
}

// aiText is an AI value after any percent-decoding, with the means to map a
// position in the decoded value back to an offset in the input.
type aiText struct {
	v    string
	base int   // input offset of the (encoded) value
	end  int   // input offset just past the encoded value
	offs []int // offs[i] is v[i]'s offset relative to base; nil when nothing was decoded
	esc  []bool
}

func plainText(v string, base int) aiText {
	return aiText{v: v, base: base, end: base + len(v)}
}

func (t *aiText) at(i int) int {
	if i >= len(t.v) {
		return t.end
	}
	if t.offs == nil {
		return t.base + i
	}
	return t.base + t.offs[i]
}

func (t *aiText) escaped(i int) bool { return t.esc != nil && t.esc[i] }

// cs39 is GS1 character set 39 (used by CPID).
var cs39 = func() (t [256]bool) {
	for _, b := range []byte("#-/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
		t[b] = true
	}
	return t
}()

// cs64 is GS1 character set 64, the URI-safe base64 alphabet; '=' is only
// padding at the end and is handled separately.
var cs64 = func() (t [256]bool) {
	for _, b := range []byte("-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz") {
		t[b] = true
	}
	return t
}()

// checkValue validates an AI value against its format and content checks.
func (d *aiDef) checkValue(t *aiText) *Error {
	v := t.v
	if len(v) == 0 {
		return errAt(t.base, RuleLength, "%s is empty", d.label())
	}
	p := 0
	for _, c := range d.comps {
		if p == len(v) {
			if c.optional {
				break
			}
			return errAt(t.end, RuleLength, "%s is too short for format %s", d.label(), d.format)
		}
		n := min(c.max, len(v)-p)
		for i := p; i < p+n; i++ {
			if e := d.checkChar(c.cset, t, i, p+n); e != nil {
				return e
			}
		}
		if n < c.min {
			return errAt(t.end, RuleLength, "%s must have %d characters, got %d (format %s)", d.label(), d.fixedOr(len(v)-n+c.min), len(v), d.format)
		}
		for _, l := range c.lints {
			if e := d.runLint(l, t, p, p+n); e != nil {
				return e
			}
		}
		p += n
	}
	if p < len(v) {
		return errAt(t.at(p), RuleLength, "%s has %d characters, at most %d allowed (format %s)", d.label(), len(v), p, d.format)
	}
	return nil
}

func (d *aiDef) fixedOr(n int) int {
	if d.fixed > 0 {
		return d.fixed
	}
	return n
}

func (d *aiDef) checkChar(cset byte, t *aiText, i, compEnd int) *Error {
	b := t.v[i]
	switch cset {
	case 'N':
		if !isDigit(b) {
			return errAt(t.at(i), RuleCharset, "%s: %s is not a digit", d.label(), quoteByte(b))
		}
		// Digital Link writes numeric values as plain DIGITs; an escaped
		// digit would give one value two spellings.
		if t.escaped(i) {
			return errAt(t.at(i), RuleCharset, "%s: digits must not be percent-encoded", d.label())
		}
	case 'X':
		if !cs82[b] {
			return errAt(t.at(i), RuleCharset, "%s: %s is not in GS1 character set 82", d.label(), quoteByte(b))
		}
	case 'Y':
		if !cs39[b] {
			return errAt(t.at(i), RuleCharset, "%s: %s is not in GS1 character set 39", d.label(), quoteByte(b))
		}
	case 'Z':
		if cs64[b] {
			return nil
		}
		// '=' pads the end of the value only.
		if b == '=' && i == len(t.v)-1 || b == '=' && i == len(t.v)-2 && t.v[i+1] == '=' {
			return nil
		}
		return errAt(t.at(i), RuleCharset, "%s: %s is not in GS1 character set 64", d.label(), quoteByte(b))
	}
	return nil
}

func (d *aiDef) runLint(l lint, t *aiText, from, to int) *Error {
	seg := t.v[from:to]
	switch l {
	case lintCsum:
		want := checkDigit(seg[:len(seg)-1])
		if seg[len(seg)-1] != want {
			return errAt(t.at(to-1), RuleCheckDigit, "%s %s: expected %c, got %c", d.label(), seg, want, seg[len(seg)-1])
		}
	case lintCsumAlpha:
		if e := checkAlphaPair(seg); e != "" {
			return errAt(t.at(max(from, to-2)), RuleCheckDigit, "%s %s: %s", d.label(), seg, e)
		}
	case lintYYMMD0, lintYYMMDD:
		return checkDate(d.ai, seg, t, from, false, l == lintYYMMD0)
	case lintYYYYMMDD:
		return checkDate(d.ai, seg, t, from, true, false)
	case lintHHMI:
		if e := checkRange(d, t, from, seg[:2], 23, "hour"); e != nil {
			return e
		}
		return checkRange(d, t, from+2, seg[2:], 59, "minute")
	case lintHH:
		return checkRange(d, t, from, seg, 23, "hour")
	case lintMI:
		return checkRange(d, t, from, seg, 59, "minute")
	case lintSS:
		return checkRange(d, t, from, seg, 59, "second")
	case lintZero:
		if seg != "0" {
			return errAt(t.at(from), RuleValue, "%s: digit must be 0", d.label())
		}
	case lintNonZero:
		if strings.Trim(seg, "0") == "" {
			return errAt(t.at(from), RuleValue, "%s: %s must not be zero", d.label(), seg)
		}
	case lintYesNo, lintWinding, lintISO5218:
		allowed := map[lint]string{lintYesNo: "01", lintWinding: "019", lintISO5218: "0129"}[l]
		if !strings.Contains(allowed, seg) {
			return errAt(t.at(from), RuleValue, "%s: %s is not one of %s", d.label(), seg, allowed)
		}
	case lintPieceOfTotal:
		h := len(seg) / 2
		piece, _ := strconv.Atoi(seg[:h])
		total, _ := strconv.Atoi(seg[h:])
		if piece == 0 || total == 0 || piece > total {
			return errAt(t.at(from), RuleValue, "%s: piece %s of total %s is not valid", d.label(), seg[:h], seg[h:])
		}
	case lintHyphen:
		if seg != "-" {
			return errAt(t.at(from), RuleValue, "%s: expected '-', got %s", d.label(), quoteByte(seg[0]))
		}
	case lintNoZeroPrefix:
		if len(seg) > 1 && seg[0] == '0' {
			return errAt(t.at(from), RuleValue, "%s: leading zero not allowed", d.label())
		}
	case lintHasNonDigit:
		if allDigits(seg) {
			return errAt(t.at(from), RuleValue, "%s: must contain a non-digit", d.label())
		}
	case lintPcEnc:
		for i := 0; i < len(seg); i++ {
			if seg[i] == '%' {
				if i+2 >= len(seg) || !isHex(seg[i+1]) || !isHex(seg[i+2]) {
					return errAt(t.at(from+i), RuleSyntax, "%s: invalid percent-escape in value", d.label())
				}
				i += 2
			}
		}
	case lintLatitude, lintLongitude:
		n, _ := strconv.ParseUint(seg, 10, 64)
		limit := uint64(1800000000)
		if l == lintLongitude {
			limit = 3600000000
		}
		if n > limit {
			return errAt(t.at(from), RuleValue, "%s: %s is out of range", d.label(), seg)
		}
	}
	return nil
}

func checkRange(d *aiDef, t *aiText, from int, two string, limit int, what string) *Error {
	n := int(two[0]-'0')*10 + int(two[1]-'0')
	if n > limit {
		return errAt(t.at(from), RuleDate, "%s: %s %s out of range", d.label(), what, two)
	}
	return nil
}

// checkDate validates YYMMDD (or YYYYMMDD) at seg; day00 allows day 00.
func checkDate(ai, seg string, t *aiText, from int, fourDigitYear, day00 bool) *Error {
	var year int
	md := seg[2:]
	if fourDigitYear {
		year, _ = strconv.Atoi(seg[:4])
		md = seg[4:]
		from += 2
	} else {
		year = expandYear(int(seg[0]-'0')*10 + int(seg[1]-'0'))
	}
	mm := int(md[0]-'0')*10 + int(md[1]-'0')
	dd := int(md[2]-'0')*10 + int(md[3]-'0')
	if mm < 1 || mm > 12 {
		return errAt(t.at(from+2), RuleDate, "AI %s: month %02d out of range", ai, mm)
	}
	if dd > daysIn(year, mm) || dd == 0 && !day00 {
		return errAt(t.at(from+4), RuleDate, "AI %s: day %02d out of range for %04d-%02d", ai, dd, year, mm)
	}
	return nil
}

// cs82Order is CSET 82 in the order that gives each character its value in
// the check character pair calculation.
const cs82Order = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"

// cs32 holds the characters a check character pair is drawn from.
const cs32 = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

var primeWeights = func() []int {
	var p []int
	for n := 2; len(p) < 100; n++ {
		prime := true
		for _, q := range p {
			if q*q > n {
				break
			}
			if n%q == 0 {
				prime = false
				break
			}
		}
		if prime {
			p = append(p, n)
		}
	}
	return p
}()

// checkAlphaPair verifies the GS1 check character pair that ends s: the
// characters before it, valued by their CSET 82 position and weighted by
// successive primes from the right, summed modulo 1021; the two CSET 32
// characters are the sum's high and low five bits. Returns "" when valid.
func checkAlphaPair(s string) string {
	if len(s) < 2 {
		return "too short for a check character pair"
	}
	data := s[:len(s)-2]
	if len(data) > len(primeWeights) {
		return "too long for a check character pair"
	}
	sum := 0
	for i := 0; i < len(data); i++ {
		v := strings.IndexByte(cs82Order, data[i])
		if v < 0 {
			return "character outside set 82"
		}
		sum += v * primeWeights[len(data)-1-i]
	}
	sum %= 1021
	if s[len(s)-2] != cs32[sum>>5] || s[len(s)-1] != cs32[sum&31] {
		return "check character pair should be " + string([]byte{cs32[sum>>5], cs32[sum&31]})
	}
	return ""
}

// aiElem is one AI of a parsed element string or Digital Link, with the input
// offset at which an association error about it is reported.
type aiElem struct {
	d   *aiDef
	off int
}

// checkAssociations applies the mandatory-association (req) and
// invalid-pairing (ex) rules of the AI table to the AIs present together.
func checkAssociations(elems []aiElem) *Error {
	has := func(pattern string, self *aiDef) bool {
		for _, o := range elems {
			if o.d != self && aiPatternMatch(pattern, o.d.ai) {
				return true
			}
		}
		return false
	}
	for _, el := range elems {
		if len(el.d.req) > 0 {
			ok := false
			for _, alt := range el.d.req {
				all := true
				for _, p := range alt {
					if !has(p, el.d) {
						all = false
						break
					}
				}
				if all {
					ok = true
					break
				}
			}
			if !ok {
				return errAt(el.off, RuleAI, "AI %s requires AI %s (alternatives separated by ',')", el.d.ai, el.d.reqTxt)
			}
		}
	}
	// An invalid pairing is reported at the later of the two AIs, whichever
	// of them lists the other.
	for j, el := range elems {
		for _, o := range elems[:j] {
			if excludes(el.d, o.d) || excludes(o.d, el.d) {
				return errAt(el.off, RuleAI, "AI %s cannot be used together with AI %s", el.d.ai, o.d.ai)
			}
		}
	}
	return nil
}

// excludes reports whether a's invalid-pairing list matches b; an AI never
// excludes itself.
func excludes(a, b *aiDef) bool {
	if a == b {
		return false
	}
	for _, p := range a.ex {
		if aiPatternMatch(p, b.ai) {
			return true
		}
	}
	return false
}
