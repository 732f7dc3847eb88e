package ordercsv

import "lastmile/internal/csvio"

// Encoding names, as Reader.Encoding reports them. The detection is csvio.Decode's.
const (
	EncodingUTF8    = csvio.EncodingUTF8
	EncodingUTF8BOM = csvio.EncodingUTF8BOM
	EncodingGB18030 = csvio.EncodingGB18030
	EncodingUTF16LE = csvio.EncodingUTF16LE
	EncodingUTF16BE = csvio.EncodingUTF16BE
)
