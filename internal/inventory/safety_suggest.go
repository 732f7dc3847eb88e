package inventory

import (
	"fmt"
	"math"

	"lastmile/internal/model"
)

// DefaultServiceLevel is the service level safety stock is sized for when none is given: the
// chance of not running out while a replenishment is on its way (R-INV-3).
const DefaultServiceLevel = 0.95

// SafetyInput is what a safety-stock suggestion is computed from (R-INV-3: sales velocity,
// replenishment lead time and their variability).
type SafetyInput struct {
	// DailySales are the units sold on each day of the history, including days with none.
	DailySales []int64
	// LeadTimeDays is the replenishment lead time: days from reorder until the stock is sellable.
	LeadTimeDays float64
	// LeadTimeStdDevDays is the standard deviation of the lead time; 0 when it is reliable or
	// unknown.
	LeadTimeStdDevDays float64
	// ServiceLevel is the wanted chance of no stock-out during a lead time, in [0.5, 1).
	// 0: DefaultServiceLevel.
	ServiceLevel float64
}

// SafetySuggestion is a suggested safety stock and reorder point, with the figures behind them.
type SafetySuggestion struct {
	// SafetyStock = z × √(L × σd² + d̄² × σL²), rounded up to whole units.
	SafetyStock int64 `json:"safety_stock"`
	// ReorderPoint = d̄ × L + SafetyStock, rounded up: reorder when on hand − reserved falls to it.
	ReorderPoint int64   `json:"reorder_point"`
	MeanDaily    float64 `json:"mean_daily"`
	StdDevDaily  float64 `json:"std_dev_daily"`
	ServiceLevel float64 `json:"service_level"`
	Z            float64 `json:"z"`
}

// maxUnits bounds suggestions: beyond it the inputs are nonsense and a float64 no longer holds
// whole units exactly.
const maxUnits = 1 << 52

// SuggestSafetyStock suggests a safety stock and reorder point (R-INV-3) with the usual formula
// for variable demand and lead time: safety = z × √(L × σd² + d̄² × σL²), where d̄ and σd are the
// mean and sample standard deviation of daily sales, L and σL the lead time and its standard
// deviation in days, and z the standard normal quantile of the service level. Inputs it cannot
// use are a *model.ValidationError (ErrInvalid) naming each one: service_level, lead_time_days,
// lead_time_std_dev_days, daily_demand[i].
func SuggestSafetyStock(in SafetyInput) (SafetySuggestion, error) {
	var ps []model.FieldError
	bad := func(field, msg string) {
		ps = append(ps, model.FieldError{Code: "out_of_range", Field: field, Message: msg})
	}
	level := in.ServiceLevel
	if level == 0 {
		level = DefaultServiceLevel
	}
	if len(in.DailySales) == 0 {
		bad("daily_demand", "no sales history: at least one day of demand is needed")
	}
	if !(level >= 0.5 && level < 1) { // also refuses NaN
		bad("service_level", fmt.Sprintf("service level %v: want at least 0.5 and below 1, e.g. 0.95", in.ServiceLevel))
	}
	if !(in.LeadTimeDays > 0) || math.IsInf(in.LeadTimeDays, 0) {
		bad("lead_time_days", fmt.Sprintf("lead time %v days: want a positive number of days from reorder to sellable", in.LeadTimeDays))
	}
	if !(in.LeadTimeStdDevDays >= 0) || math.IsInf(in.LeadTimeStdDevDays, 0) {
		bad("lead_time_std_dev_days", fmt.Sprintf("lead time deviation %v days: want zero or more", in.LeadTimeStdDevDays))
	}
	var sum float64
	for i, u := range in.DailySales {
		if u < 0 {
			bad(fmt.Sprintf("daily_demand[%d]", i), fmt.Sprintf("day %d sold %d units: want zero or more", i, u))
		}
		sum += float64(u)
	}
	if len(ps) > 0 {
		return SafetySuggestion{}, &model.ValidationError{Problems: ps}
	}
	n := float64(len(in.DailySales))
	mean := sum / n
	// Sample standard deviation (n − 1): the history is a sample of future demand. One day of
	// history has no measurable variability.
	var sd float64
	if len(in.DailySales) > 1 {
		var sq float64
		for _, u := range in.DailySales {
			dev := float64(u) - mean
			sq += dev * dev
		}
		sd = math.Sqrt(sq / (n - 1))
	}

	z := NormalQuantile(level)
	L, sL := in.LeadTimeDays, in.LeadTimeStdDevDays
	demandVar, leadVar := L*sd*sd, mean*mean*sL*sL
	safety := z * math.Sqrt(demandVar+leadVar)
	cycle := mean * L
	if !(safety+cycle < maxUnits) {
		// Name the parameter that makes it so: the lead time when the demand over it is too
		// large or dominates the variability, else the lead time's deviation.
		field, v := "lead_time_days", L
		if cycle < maxUnits && leadVar > demandVar {
			field, v = "lead_time_std_dev_days", sL
		}
		return SafetySuggestion{}, &model.ValidationError{Problems: []model.FieldError{{Code: "out_of_range", Field: field,
			Message: fmt.Sprintf("%s %v with a mean demand of %.4g units a day asks for more than %d units; check the figure",
				field, v, mean, int64(maxUnits))}}}
	}
	s := roundUp(safety)
	return SafetySuggestion{
		SafetyStock:  s,
		ReorderPoint: roundUp(cycle) + s,
		MeanDaily:    mean,
		StdDevDaily:  sd,
		ServiceLevel: level,
		Z:            z,
	}, nil
}

// roundUp rounds a non-negative quantity up to whole units, forgiving float noise: 12.000000001
// is 12 units, not 13.
func roundUp(x float64) int64 {
	if x <= 0 {
		return 0
	}
	return int64(math.Ceil(x - 1e-9))
}

// Coefficients of Peter J. Acklam's rational approximation of the standard normal quantile
// (relative error below 1.15e-9 over (0, 1)): a/b for the central region, c/d for the tails.
var (
	acklamA = [6]float64{-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00}
	acklamB = [5]float64{-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01}
	acklamC = [6]float64{-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00}
	acklamD = [4]float64{7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00}
)

// acklamLow is where the lower tail region ends (and 1 − acklamLow where the upper begins).
const acklamLow = 0.02425

// NormalQuantile is the inverse of the standard normal CDF: the z with P(Z ≤ z) = p, e.g. 1.6449
// for 0.95. It uses Acklam's rational approximation, then one Halley step on the exact CDF
// (math.Erfc), which brings it to about full float64 precision. p of 0 and 1 give −Inf and +Inf;
// p outside [0, 1] or NaN gives NaN.
func NormalQuantile(p float64) float64 {
	switch {
	case math.IsNaN(p) || p < 0 || p > 1:
		return math.NaN()
	case p == 0:
		return math.Inf(-1)
	case p == 1:
		return math.Inf(1)
	}
	a, b, c, d := &acklamA, &acklamB, &acklamC, &acklamD
	var x float64
	switch {
	case p < acklamLow:
		q := math.Sqrt(-2 * math.Log(p))
		x = (((((c[0]*q+c[1])*q+c[2])*q+c[3])*q+c[4])*q + c[5]) /
			((((d[0]*q+d[1])*q+d[2])*q+d[3])*q + 1)
	case p <= 1-acklamLow:
		q := p - 0.5
		r := q * q
		x = (((((a[0]*r+a[1])*r+a[2])*r+a[3])*r+a[4])*r + a[5]) * q /
			(((((b[0]*r+b[1])*r+b[2])*r+b[3])*r+b[4])*r + 1)
	default:
		q := math.Sqrt(-2 * math.Log1p(-p))
		x = -(((((c[0]*q+c[1])*q+c[2])*q+c[3])*q+c[4])*q + c[5]) /
			((((d[0]*q+d[1])*q+d[2])*q+d[3])*q + 1)
	}
	// Halley refinement: e is the CDF error at x, u the Newton step; the x·u/2 term adds the
	// curvature. Skipped where the density underflows and the step would be Inf/NaN.
	e := 0.5*math.Erfc(-x/math.Sqrt2) - p
	u := e * math.Sqrt(2*math.Pi) * math.Exp(x*x/2)
	if step := u / (1 + x*u/2); !math.IsNaN(step) && !math.IsInf(step, 0) {
		x -= step
	}
	return x
}
