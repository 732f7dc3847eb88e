package trackno

// Confidence says how sure a recognition is.
type Confidence string

const (
	// ConfidenceChecksum: the number has the carrier's format and its published check digit verifies.
	ConfidenceChecksum Confidence = "checksum"
	// ConfidenceFormat: the number has the carrier's format; the carrier publishes no check digit
	// (or none this package verifies), so a mistyped digit cannot be detected.
	ConfidenceFormat Confidence = "format"
)

// Reason is the stable, machine-readable code of why a number was refused. The list is in the
// package documentation; Result.Message carries the sentence for a person.
type Reason string

const (
	ReasonEmpty              Reason = "empty"
	ReasonIllegalCharacter   Reason = "illegal_character"
	ReasonUnknownFormat      Reason = "unknown_format"
	ReasonCheckDigitMismatch Reason = "check_digit_mismatch"
	ReasonWrongLength        Reason = "wrong_length"
	ReasonWrongCarrier       Reason = "wrong_carrier"
	ReasonUnknownCarrier     Reason = "unknown_carrier"
)

// Candidate is one carrier a number may belong to.
type Candidate struct {
	Carrier Carrier `json:"carrier"`
	// Operator names the postal operator for S10 items ("Royal Mail", "China Post EMS") and the
	// network for a few sub-brands ("Parcelforce Worldwide"); empty otherwise.
	Operator   string     `json:"operator,omitempty"`
	Confidence Confidence `json:"confidence"`
}

// Result is the outcome of Check. Its JSON form is a public contract (API and CLI output).
//
// When Valid, Carrier/Operator/Confidence repeat Candidates[0], the best candidate; Candidates
// lists every match, checksum-verified before format-only, more specific formats before more
// general ones, in a deterministic order.
//
// When not Valid, Reason says why and Message says it for a warehouse clerk. Carrier is then set
// only for check_digit_mismatch and wrong_length (the carrier the number resembles) and for
// wrong_carrier and unknown_carrier (the carrier CheckAs was asked for). A valid result recognised by format only may
// carry a Message too, when a carrier with a check digit rejected the same number: the clerk
// should look at it twice.
type Result struct {
	Input      string      `json:"input"`
	Normalized string      `json:"normalized"`
	Valid      bool        `json:"valid"`
	Carrier    Carrier     `json:"carrier,omitempty"`
	Operator   string      `json:"operator,omitempty"`
	Confidence Confidence  `json:"confidence,omitempty"`
	Reason     Reason      `json:"reason,omitempty"`
	Message    string      `json:"message,omitempty"`
	Candidates []Candidate `json:"candidates,omitempty"`
}

// Error is the error Normalize returns; errors.As gets the reason code.
type Error struct {
	Reason  Reason
	Message string
	// Char and Pos locate an illegal character: the rune as typed and its 1-based position in
	// the input, counted in characters (runes), not bytes. Zero otherwise.
	Char rune
	Pos  int
}

func (e *Error) Error() string { return e.Message }
