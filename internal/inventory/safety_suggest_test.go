package inventory_test

import (
	"errors"
	"math"
	"slices"
	"testing"

	"lastmile/internal/inventory"
	"lastmile/internal/model"
)

func TestNormalQuantileKnownValues(t *testing.T) {
	t.Parallel()
	// Standard normal table values, to the four decimals they are published with.
	tests := []struct{ p, z float64 }{
		{0.50, 0},
		{0.80, 0.8416},
		{0.90, 1.2816},
		{0.95, 1.6449},
		{0.975, 1.9600},
		{0.99, 2.3263},
		{0.999, 3.0902},
		{0.01, -2.3263}, // lower tail region of the approximation
		{0.10, -1.2816},
	}
	for _, tt := range tests {
		if got := inventory.NormalQuantile(tt.p); math.Abs(got-tt.z) > 5e-5 {
			t.Errorf("NormalQuantile(%v) = %.6f, want %.4f", tt.p, got, tt.z)
		}
	}
}

func TestNormalQuantileMatchesTheExactInverse(t *testing.T) {
	t.Parallel()
	// Round trip through the exact CDF, Φ(z) = erfc(−z/√2)/2, comparing the smaller tail so that
	// both tails are held to a relative error: the approximation plus one Halley step should be
	// near float64 precision everywhere. (math.Erfinv(2p − 1) is no reference in the far lower
	// tail: 2p − 1 rounds.)
	for _, p := range []float64{1e-12, 1e-6, 0.001, 0.02, 0.02425, 0.03, 0.2, 0.5, 0.7, 0.95, 0.97575, 0.98, 0.999, 0.999999} {
		z := inventory.NormalQuantile(p)
		tail, want := 0.5*math.Erfc(-z/math.Sqrt2), p
		if p > 0.5 {
			tail, want = 0.5*math.Erfc(z/math.Sqrt2), 1-p
		}
		if math.Abs(tail-want) > 1e-9*want {
			t.Errorf("NormalQuantile(%v) = %.15f: its tail is %.15g, want %.15g", p, z, tail, want)
		}
	}
	if !math.IsInf(inventory.NormalQuantile(0), -1) || !math.IsInf(inventory.NormalQuantile(1), 1) {
		t.Error("NormalQuantile(0) and (1) should be −Inf and +Inf")
	}
	for _, p := range []float64{-0.1, 1.1, math.NaN()} {
		if !math.IsNaN(inventory.NormalQuantile(p)) {
			t.Errorf("NormalQuantile(%v) should be NaN", p)
		}
	}
}

func TestSuggestSafetyStock(t *testing.T) {
	t.Parallel()
	// Sales 8, 10, 12, 10, 10: d̄ = 10, sample σd = √2.
	sales := []int64{8, 10, 12, 10, 10}
	tests := []struct {
		name          string
		in            inventory.SafetyInput
		safety, point int64
		level         float64
	}{
		{
			// R-INV-3 default service level 0.95: z 1.6449 × √(9 × 2) = 6.98 → 7; reorder 90 + 7.
			name:   "fixed lead time, default service level",
			in:     inventory.SafetyInput{DailySales: sales, LeadTimeDays: 9},
			safety: 7, point: 97, level: 0.95,
		},
		{
			// z 2.3263 × √(9 × 2 + 100 × 4) = 2.3263 × 20.445 = 47.56 → 48; reorder 90 + 48.
			name:   "variable lead time, 0.99",
			in:     inventory.SafetyInput{DailySales: sales, LeadTimeDays: 9, LeadTimeStdDevDays: 2, ServiceLevel: 0.99},
			safety: 48, point: 138, level: 0.99,
		},
		{
			// Constant demand, fixed lead time: no variability, no safety stock.
			name:   "no variability",
			in:     inventory.SafetyInput{DailySales: []int64{5, 5, 5}, LeadTimeDays: 3.5},
			safety: 0, point: 18, level: 0.95,
		},
		{
			// One day of history has no measurable deviation; only lead-time variability counts:
			// 1.2816 × √(4² × 0.5²) = 2.56 → 3; reorder 8 + 3.
			name:   "one day of history",
			in:     inventory.SafetyInput{DailySales: []int64{4}, LeadTimeDays: 2, LeadTimeStdDevDays: 0.5, ServiceLevel: 0.90},
			safety: 3, point: 11, level: 0.90,
		},
		{
			name:   "service level 0.5 needs no buffer",
			in:     inventory.SafetyInput{DailySales: sales, LeadTimeDays: 9, ServiceLevel: 0.5},
			safety: 0, point: 90, level: 0.5,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := inventory.SuggestSafetyStock(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got.SafetyStock != tt.safety || got.ReorderPoint != tt.point || got.ServiceLevel != tt.level {
				t.Fatalf("SuggestSafetyStock = %+v, want safety %d, reorder point %d, level %v", got, tt.safety, tt.point, tt.level)
			}
		})
	}
}

func TestSuggestSafetyStockFormula(t *testing.T) {
	t.Parallel()
	got, err := inventory.SuggestSafetyStock(inventory.SafetyInput{DailySales: []int64{8, 10, 12, 10, 10}, LeadTimeDays: 9, LeadTimeStdDevDays: 2, ServiceLevel: 0.99})
	if err != nil {
		t.Fatal(err)
	}
	if got.MeanDaily != 10 || math.Abs(got.StdDevDaily-math.Sqrt2) > 1e-12 || math.Abs(got.Z-2.326348) > 1e-6 {
		t.Fatalf("figures = %+v, want mean 10, σ √2, z 2.326348", got)
	}
}

// TestSuggestSafetyStockRefusesBadInput: each refusal names the parameter at fault (R-INV-3),
// and every bad parameter is named at once.
func TestSuggestSafetyStockRefusesBadInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		in     inventory.SafetyInput
		fields []string
	}{
		{"no history", inventory.SafetyInput{LeadTimeDays: 5}, []string{"daily_demand"}},
		{"negative sales", inventory.SafetyInput{DailySales: []int64{3, -1}, LeadTimeDays: 5}, []string{"daily_demand[1]"}},
		{"no lead time", inventory.SafetyInput{DailySales: []int64{3}}, []string{"lead_time_days"}},
		{"negative lead-time deviation", inventory.SafetyInput{DailySales: []int64{3}, LeadTimeDays: 5, LeadTimeStdDevDays: -1}, []string{"lead_time_std_dev_days"}},
		{"NaN lead time", inventory.SafetyInput{DailySales: []int64{3}, LeadTimeDays: math.NaN()}, []string{"lead_time_days"}},
		{"service level 1", inventory.SafetyInput{DailySales: []int64{3}, LeadTimeDays: 5, ServiceLevel: 1}, []string{"service_level"}},
		{"service level below 0.5", inventory.SafetyInput{DailySales: []int64{3}, LeadTimeDays: 5, ServiceLevel: 0.3}, []string{"service_level"}},
		{"all three at once", inventory.SafetyInput{DailySales: []int64{3}, LeadTimeStdDevDays: math.Inf(1), ServiceLevel: 0.3},
			[]string{"service_level", "lead_time_days", "lead_time_std_dev_days"}},
		{"absurd demand over the lead time", inventory.SafetyInput{DailySales: []int64{math.MaxInt64, math.MaxInt64}, LeadTimeDays: 1e6}, []string{"lead_time_days"}},
		{"absurd lead-time deviation", inventory.SafetyInput{DailySales: []int64{1 << 40, 1 << 40}, LeadTimeDays: 1, LeadTimeStdDevDays: 1e9}, []string{"lead_time_std_dev_days"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := inventory.SuggestSafetyStock(tt.in)
			var ve *model.ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, model.ErrInvalid) {
				t.Fatalf("error = %v, want a *model.ValidationError", err)
			}
			var got []string
			for _, p := range ve.Problems {
				got = append(got, p.Field)
			}
			if !slices.Equal(got, tt.fields) {
				t.Fatalf("fields %v (%v), want %v", got, err, tt.fields)
			}
		})
	}
}
