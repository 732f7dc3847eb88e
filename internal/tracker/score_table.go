package tracker

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// WriteTable prints the report as a table: one line per group, rates in percent, then the
// forecast and the score alerts.
func WriteTable(w io.Writer, rep ScoresReport) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	pct := func(v *float64) string {
		if v == nil {
			return "—"
		}
		return fmt.Sprintf("%.1f%%", 100**v)
	}
	num := func(v *float64) string {
		if v == nil {
			return "—"
		}
		return fmt.Sprintf("%.1f", *v)
	}
	group := func(g string) string {
		if g == "" {
			return "(all)"
		}
		return g
	}
	fmt.Fprintf(w, "Scores %s (%s to %s), as of %s\n", rep.Period, rep.Start.Format("2006-01-02"), rep.End.Format("2006-01-02"),
		rep.AsOf.Format("2006-01-02 15:04 MST"))
	write := func(title string, rows []ScoreRow) {
		fmt.Fprintf(tw, "%s\torders\tlate dispatch\tvalid tracking\ton time\texceptions\tcompleteness\tconfirm timeout\tseller cancel\tLTS\tpending\t\n", title)
		for _, r := range rows {
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t\n", group(r.Group), r.Orders, pct(r.LateDispatchRate),
				pct(r.ValidTrackingRate), pct(r.OnTimeDeliveryRate), pct(r.DeliveryExceptionRate), num(r.TrackingCompleteness),
				pct(r.ConfirmationTimeoutRate), pct(r.SellerFaultCancelRate), num(r.LTS), r.Pending)
		}
	}
	write(fmt.Sprintf("by %s", group(rep.GroupBy)), rep.Rows)
	fmt.Fprintln(tw, "\t\t\t\t\t\t\t\t\t\t\t")
	write("forecast", rep.Forecast)
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, r := range rep.Rows {
		for _, a := range r.Alerts {
			fmt.Fprintf(w, "ALERT %s %s: %s (%.3g)\n", group(r.Group), a.Metric, a.Message, a.Value)
		}
	}
	if len(rep.Rows) == 0 {
		fmt.Fprintln(w, "no order has a deadline in this period")
	}
	return nil
}
