// Package label lays out 4×6 in (and A6, 10×15 cm) shipping labels: one description of the
// label, a list of positioned elements in millimetres and printer dots, that the ZPL, PDF and
// PNG renderers (sub-packages zpl, pdf and png) all draw, so the three outputs cannot drift
// apart.
//
// The label is where a shipment succeeds or fails physically (the R-LBL rules, docs/rules.md): it must carry
// the buyer's and the seller's full addresses in Latin script with the postal code in the
// destination's format (R-LBL-3, R-LBL-4), the tracking number as a barcode that scans at
// 203 dpi and above (R-LBL-2), the battery mark (R-SHIP-6), the COD amount (R-MKT-2) and, to
// GB, DE and FR, the platform's anti-counterfeit QR of at least 5×5 cm at the bottom right
// (R-LBL-5). The same input must give the same label, byte for byte, so that a reprint is the
// same label and not a new shipment (R-LBL-6).
//
// The flow is Decode (JSON to Label), Prepare (normalise and validate against the options:
// every refusal is a *model.ValidationError naming the field) and Prepared.Layout (a *Page,
// which cannot fail). Prepare does all the checking, so a batch can be checked completely
// before its first byte is written and then streamed label by label.
//
// # Geometry
//
// Positions of text and boxes are in millimetres from the top-left corner; barcodes and QR
// symbols are in printer dots of the page's resolution, because a thermal printer reproduces a
// bar exactly only when its width is a whole number of dots. The Code 128 module is the largest
// whole number of dots from 0.25 mm to 0.51 mm for which the symbol and its quiet zones of at
// least 10 modules fit the label width; a tracking number too long even at 0.25 mm is refused.
// Bars are at least 15 mm high. The anti-counterfeit QR is at least 50 mm wide, with a
// quiet zone of 4 modules, drawn at the bottom right corner.
//
// # Text
//
// Text is measured with the wider of the two fonts the renderers use for each character
// (Helvetica in PDF, the Go fonts in PNG; Zebra's font 0 is a condensed face and narrower
// than both), so text that fits in the model fits in every output. Long text is first
// shrunk, then wrapped, then truncated with a visible "…": it is never clipped silently.
// Text is printed in the Windows-1252 repertoire that Helvetica and the printers' fonts
// have; a Latin letter outside it loses its diacritic (ł → l, ư → u), script other than Latin
// is refused (R-LBL-4).
package label
