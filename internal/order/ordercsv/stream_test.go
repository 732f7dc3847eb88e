package ordercsv

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
)

// genRows writes a realistic order file of n rows to w: orders of one to three lines, a mix of
// markets, Chinese item names, quoted addresses. pad adds that many bytes of notes to each row
// (in an unknown column) to make the file big. It returns the number of orders written.
func genRows(w io.Writer, n, pad int, bad map[int]bool) (orders int, err error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	fmt.Fprintf(bw, "%s,notes\n", header)
	notes := strings.Repeat("n", pad)
	markets := []struct{ market, cur, price, city string }{
		{"US", "USD", "12.99", "Mountain View"}, {"GB", "GBP", "9.50", "London"}, {"ID", "IDR", "149000", "Jakarta Selatan"},
		{"VN", "VND", "250000", "Hồ Chí Minh"}, {"TH", "THB", "299.00", "Bangkok"},
	}
	for row, order := 0, 0; row < n; order++ {
		m := markets[order%len(markets)]
		lines := 1 + order%3
		for l := 0; l < lines && row < n; l++ {
			qty := "2"
			if bad[row] {
				qty = "two"
			}
			fmt.Fprintf(bw, "TT%018d,%s,%s,AWAITING_SHIPMENT,2024-03-01 09:%02d:00,2024-03-01 09:%02d:30,2024-03-01 10:00:00,"+
				"Buyer %d,buyer%d@example.com,+1206555%04d,Buyer %d,,\"%d Main St, Unit %d\",,%s,CA,94043,%s,+1650555%04d,"+
				"SKU-%d-%d,蓝牙耳机 Bluetooth earbuds %d,%s,%s,180,250,200,20,Wireless earphones,%t,,%s\n",
				order, m.market, m.cur, order%60, order%60,
				order, order, order%10000, order, order%1000, order%50, m.city, m.market, order%10000,
				order, l, l, qty, m.price, l == 1, notes)
			row++
		}
		orders++
	}
	return orders, bw.Flush()
}

// countingWriter counts what passes through it. The generator's goroutine writes n and the
// test reads it after the pipe is drained.
type countingWriter struct {
	w io.Writer
	n int
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += n
	return n, err
}

// TestStreaming100k reads a 100,000-row file of about 80 MB through a pipe and checks that the
// heap stays far below the file's size: the Reader holds one order, not the file.
func TestStreaming100k(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 80 MB")
	}
	const rows, pad = 100_000, 600
	const heapLimit = 64 << 20
	pr, pw := io.Pipe()
	wantOrders := make(chan int, 1)
	cw := &countingWriter{w: pw}
	go func() {
		n, err := genRows(cw, rows, pad, nil)
		wantOrders <- n
		pw.CloseWithError(err)
	}()

	runtime.GC()
	r, err := NewReader(pr, Options{})
	if err != nil {
		t.Fatal(err)
	}
	groups, lines, maxHeap := 0, 0, uint64(0)
	var ms runtime.MemStats
	for {
		g, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(g.Problems) > 0 {
			t.Fatalf("order %s: %+v", g.Order.ExternalID, g.Problems)
		}
		groups++
		lines += len(g.Order.Lines)
		if groups%2000 == 0 {
			runtime.ReadMemStats(&ms)
			maxHeap = max(maxHeap, ms.HeapInuse)
		}
	}
	if want := <-wantOrders; groups != want || lines != rows {
		t.Errorf("%d orders, %d lines; want %d, %d", groups, lines, want, rows)
	}
	t.Logf("%d orders, %d rows, %.0f MB, heap in use at most %.1f MiB", groups, lines, float64(cw.n)/1e6, float64(maxHeap)/(1<<20))
	if cw.n <= heapLimit {
		t.Errorf("the file is only %d bytes: too small to show that it is not held whole", cw.n)
	}
	if maxHeap > heapLimit {
		t.Errorf("heap in use reached %d MiB; the limit is %d MiB", maxHeap>>20, heapLimit>>20)
	}
}

// TestOneBadRowIn10k: 10,000 orders with one bad row give 9,999 clean orders and one order with
// a problem naming that row.
func TestOneBadRowIn10k(t *testing.T) {
	t.Parallel()
	const badRow = 6_543 // 0-based data row: spreadsheet row 6,545
	var b strings.Builder
	b.WriteString(header + "\n")
	for i := range 10_000 {
		qty := "1"
		if i == badRow {
			qty = "1.5"
		}
		fmt.Fprintf(&b, "ORD%05d,US,USD,AWAITING_SHIPMENT,2024-03-01T09:00:00Z,2024-03-01T09:05:00Z,,Jane Doe,,,Jane Doe,,1 Main St,,Austin,TX,78701,US,,SKU-1,Mug,%s,9.99,300,,,,,,\n", i, qty)
	}
	_, groups := readAll(t, []byte(b.String()), Options{})
	good, bad := 0, []Group{}
	for _, g := range groups {
		if len(g.Problems) == 0 {
			good++
		} else {
			bad = append(bad, g)
		}
	}
	if good != 9_999 || len(bad) != 1 {
		t.Fatalf("%d good, %d bad", good, len(bad))
	}
	got := problemList(bad...)
	if want := fmt.Sprintf("%d invalid_number quantity", badRow+2); len(got) != 1 || got[0] != want {
		t.Errorf("problems %q, want %q", got, want)
	}
	if bad[0].Order.ExternalID != fmt.Sprintf("ORD%05d", badRow) {
		t.Errorf("bad order %s", bad[0].Order.ExternalID)
	}
}
