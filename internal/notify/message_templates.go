package notify

import (
	"bytes"
	"fmt"
	"strings"
	"text/template"
	"text/template/parse"

	"lastmile/internal/model"
)

// MessageData is what a buyer message template is rendered with: text/template over these
// fields only ({{.BuyerName}}, {{.OrderNumber}}, …), so a shop's template can read nothing else.
type MessageData struct {
	// BuyerName is the buyer's name on the order.
	BuyerName string
	// OrderNumber is the marketplace's order number (the order's external id).
	OrderNumber string
	// Carrier and TrackingNumber are the shipment's, when the event has them.
	Carrier        string
	TrackingNumber string
	// Reason says why (a delay, an exception); Remedy what is being done about it (R-MKT-3).
	Reason string
	Remedy string
	// ReturnID is the return's id (its RMA number), for return and refund messages.
	ReturnID string
}

// sampleData fills every field: a shop's template is tried on it before it is stored.
var sampleData = MessageData{BuyerName: "Jane Doe", OrderNumber: "576461413038785752", Carrier: "usps",
	TrackingNumber: "9400111899223197428490", Reason: "weather at the carrier's hub", Remedy: "it travels on the next flight",
	ReturnID: "ret_01M8Y0HB9E9VVKQZ8BGX7KW52P"}

type wording struct{ subject, body string }

// defaultTemplates are lastmile's own wording of every kind of message in every language
// (model.MessageLanguages). A shop replaces any of them with POST /v1/message-templates.
var defaultTemplates = map[string]map[string]wording{
	model.MessageShipped: {
		"en":    {"Your order {{.OrderNumber}} is on its way", "Hi {{.BuyerName}},\n\nYour order {{.OrderNumber}} has shipped with {{.Carrier}}. Tracking number: {{.TrackingNumber}}.\n"},
		"zh-CN": {"您的订单 {{.OrderNumber}} 已发货", "{{.BuyerName}}，您好：\n\n您的订单 {{.OrderNumber}} 已由 {{.Carrier}} 发出，运单号：{{.TrackingNumber}}。\n"},
		"id":    {"Pesanan {{.OrderNumber}} sedang dikirim", "Halo {{.BuyerName}},\n\nPesanan {{.OrderNumber}} telah dikirim melalui {{.Carrier}}. Nomor resi: {{.TrackingNumber}}.\n"},
		"th":    {"คำสั่งซื้อ {{.OrderNumber}} ของคุณจัดส่งแล้ว", "สวัสดี {{.BuyerName}}\n\nคำสั่งซื้อ {{.OrderNumber}} ของคุณจัดส่งแล้วกับ {{.Carrier}} หมายเลขพัสดุ: {{.TrackingNumber}}\n"},
		"vi":    {"Đơn hàng {{.OrderNumber}} đang được giao", "Xin chào {{.BuyerName}},\n\nĐơn hàng {{.OrderNumber}} đã được gửi qua {{.Carrier}}. Mã vận đơn: {{.TrackingNumber}}.\n"},
		"ms":    {"Pesanan {{.OrderNumber}} sedang dihantar", "Hai {{.BuyerName}},\n\nPesanan {{.OrderNumber}} telah dihantar melalui {{.Carrier}}. Nombor penjejakan: {{.TrackingNumber}}.\n"},
		"de":    {"Ihre Bestellung {{.OrderNumber}} ist unterwegs", "Hallo {{.BuyerName}},\n\nIhre Bestellung {{.OrderNumber}} wurde mit {{.Carrier}} versandt. Sendungsnummer: {{.TrackingNumber}}.\n"},
		"fr":    {"Votre commande {{.OrderNumber}} est en route", "Bonjour {{.BuyerName}},\n\nVotre commande {{.OrderNumber}} a été expédiée avec {{.Carrier}}. Numéro de suivi : {{.TrackingNumber}}.\n"},
	},
	model.MessageDelayed: {
		"en":    {"Your order {{.OrderNumber}} is delayed", "Hi {{.BuyerName}},\n\nYour order {{.OrderNumber}} is running late: {{.Reason}}. What we are doing: {{.Remedy}}. We are sorry for the wait.\n"},
		"zh-CN": {"您的订单 {{.OrderNumber}} 有所延误", "{{.BuyerName}}，您好：\n\n您的订单 {{.OrderNumber}} 出现延误，原因：{{.Reason}}。我们的处理：{{.Remedy}}。抱歉让您久等。\n"},
		"id":    {"Pesanan {{.OrderNumber}} terlambat", "Halo {{.BuyerName}},\n\nPesanan {{.OrderNumber}} mengalami keterlambatan: {{.Reason}}. Yang kami lakukan: {{.Remedy}}. Mohon maaf atas ketidaknyamanannya.\n"},
		"th":    {"คำสั่งซื้อ {{.OrderNumber}} ล่าช้า", "สวัสดี {{.BuyerName}}\n\nคำสั่งซื้อ {{.OrderNumber}} ล่าช้า เนื่องจาก {{.Reason}} สิ่งที่เรากำลังดำเนินการ: {{.Remedy}} ขออภัยในความไม่สะดวก\n"},
		"vi":    {"Đơn hàng {{.OrderNumber}} bị chậm", "Xin chào {{.BuyerName}},\n\nĐơn hàng {{.OrderNumber}} bị chậm: {{.Reason}}. Chúng tôi đang: {{.Remedy}}. Xin lỗi vì sự chờ đợi.\n"},
		"ms":    {"Pesanan {{.OrderNumber}} tertangguh", "Hai {{.BuyerName}},\n\nPesanan {{.OrderNumber}} tertangguh: {{.Reason}}. Tindakan kami: {{.Remedy}}. Maaf atas kelewatan ini.\n"},
		"de":    {"Ihre Bestellung {{.OrderNumber}} verspätet sich", "Hallo {{.BuyerName}},\n\nIhre Bestellung {{.OrderNumber}} verspätet sich: {{.Reason}}. Was wir tun: {{.Remedy}}. Entschuldigen Sie die Wartezeit.\n"},
		"fr":    {"Votre commande {{.OrderNumber}} est retardée", "Bonjour {{.BuyerName}},\n\nVotre commande {{.OrderNumber}} est retardée : {{.Reason}}. Ce que nous faisons : {{.Remedy}}. Veuillez nous excuser pour l'attente.\n"},
	},
	model.MessageException: {
		"en":    {"A problem with the delivery of order {{.OrderNumber}}", "Hi {{.BuyerName}},\n\nThe carrier reports a problem with your parcel {{.TrackingNumber}}: {{.Reason}}. What we are doing: {{.Remedy}}.\n"},
		"zh-CN": {"订单 {{.OrderNumber}} 配送异常", "{{.BuyerName}}，您好：\n\n承运商报告您的包裹 {{.TrackingNumber}} 出现问题：{{.Reason}}。我们的处理：{{.Remedy}}。\n"},
		"id":    {"Kendala pengiriman pesanan {{.OrderNumber}}", "Halo {{.BuyerName}},\n\nKurir melaporkan kendala pada paket {{.TrackingNumber}}: {{.Reason}}. Yang kami lakukan: {{.Remedy}}.\n"},
		"th":    {"ปัญหาการจัดส่งคำสั่งซื้อ {{.OrderNumber}}", "สวัสดี {{.BuyerName}}\n\nผู้ให้บริการขนส่งแจ้งปัญหาของพัสดุ {{.TrackingNumber}}: {{.Reason}} สิ่งที่เรากำลังดำเนินการ: {{.Remedy}}\n"},
		"vi":    {"Sự cố giao đơn hàng {{.OrderNumber}}", "Xin chào {{.BuyerName}},\n\nĐơn vị vận chuyển báo sự cố với kiện hàng {{.TrackingNumber}}: {{.Reason}}. Chúng tôi đang: {{.Remedy}}.\n"},
		"ms":    {"Masalah penghantaran pesanan {{.OrderNumber}}", "Hai {{.BuyerName}},\n\nSyarikat kurier melaporkan masalah pada bungkusan {{.TrackingNumber}}: {{.Reason}}. Tindakan kami: {{.Remedy}}.\n"},
		"de":    {"Problem bei der Zustellung von Bestellung {{.OrderNumber}}", "Hallo {{.BuyerName}},\n\nDer Zusteller meldet ein Problem mit Ihrer Sendung {{.TrackingNumber}}: {{.Reason}}. Was wir tun: {{.Remedy}}.\n"},
		"fr":    {"Un problème de livraison pour la commande {{.OrderNumber}}", "Bonjour {{.BuyerName}},\n\nLe transporteur signale un problème avec votre colis {{.TrackingNumber}} : {{.Reason}}. Ce que nous faisons : {{.Remedy}}.\n"},
	},
	model.MessageOutForDelivery: {
		"en":    {"Your order {{.OrderNumber}} arrives today", "Hi {{.BuyerName}},\n\nYour parcel {{.TrackingNumber}} is out for delivery with {{.Carrier}} and should arrive today.\n"},
		"zh-CN": {"您的订单 {{.OrderNumber}} 今天送达", "{{.BuyerName}}，您好：\n\n您的包裹 {{.TrackingNumber}} 正由 {{.Carrier}} 派送，预计今天送达。\n"},
		"id":    {"Pesanan {{.OrderNumber}} tiba hari ini", "Halo {{.BuyerName}},\n\nPaket {{.TrackingNumber}} sedang diantar oleh {{.Carrier}} dan akan tiba hari ini.\n"},
		"th":    {"คำสั่งซื้อ {{.OrderNumber}} จะถึงวันนี้", "สวัสดี {{.BuyerName}}\n\nพัสดุ {{.TrackingNumber}} กำลังนำจ่ายโดย {{.Carrier}} และจะถึงวันนี้\n"},
		"vi":    {"Đơn hàng {{.OrderNumber}} sẽ đến hôm nay", "Xin chào {{.BuyerName}},\n\nKiện hàng {{.TrackingNumber}} đang được {{.Carrier}} giao và sẽ đến trong hôm nay.\n"},
		"ms":    {"Pesanan {{.OrderNumber}} tiba hari ini", "Hai {{.BuyerName}},\n\nBungkusan {{.TrackingNumber}} sedang dihantar oleh {{.Carrier}} dan akan tiba hari ini.\n"},
		"de":    {"Ihre Bestellung {{.OrderNumber}} kommt heute", "Hallo {{.BuyerName}},\n\nIhre Sendung {{.TrackingNumber}} ist bei {{.Carrier}} in der Zustellung und kommt heute an.\n"},
		"fr":    {"Votre commande {{.OrderNumber}} arrive aujourd'hui", "Bonjour {{.BuyerName}},\n\nVotre colis {{.TrackingNumber}} est en cours de livraison avec {{.Carrier}} et arrive aujourd'hui.\n"},
	},
	model.MessageDelivered: {
		"en":    {"Your order {{.OrderNumber}} was delivered", "Hi {{.BuyerName}},\n\nYour parcel {{.TrackingNumber}} was delivered. Thank you for your order!\n"},
		"zh-CN": {"您的订单 {{.OrderNumber}} 已送达", "{{.BuyerName}}，您好：\n\n您的包裹 {{.TrackingNumber}} 已送达。感谢您的购买！\n"},
		"id":    {"Pesanan {{.OrderNumber}} telah diterima", "Halo {{.BuyerName}},\n\nPaket {{.TrackingNumber}} telah diterima. Terima kasih atas pesanan Anda!\n"},
		"th":    {"คำสั่งซื้อ {{.OrderNumber}} จัดส่งสำเร็จแล้ว", "สวัสดี {{.BuyerName}}\n\nพัสดุ {{.TrackingNumber}} จัดส่งสำเร็จแล้ว ขอบคุณที่สั่งซื้อ!\n"},
		"vi":    {"Đơn hàng {{.OrderNumber}} đã được giao", "Xin chào {{.BuyerName}},\n\nKiện hàng {{.TrackingNumber}} đã được giao. Cảm ơn bạn đã đặt hàng!\n"},
		"ms":    {"Pesanan {{.OrderNumber}} telah dihantar", "Hai {{.BuyerName}},\n\nBungkusan {{.TrackingNumber}} telah dihantar. Terima kasih atas pesanan anda!\n"},
		"de":    {"Ihre Bestellung {{.OrderNumber}} wurde zugestellt", "Hallo {{.BuyerName}},\n\nIhre Sendung {{.TrackingNumber}} wurde zugestellt. Vielen Dank für Ihre Bestellung!\n"},
		"fr":    {"Votre commande {{.OrderNumber}} a été livrée", "Bonjour {{.BuyerName}},\n\nVotre colis {{.TrackingNumber}} a été livré. Merci pour votre commande !\n"},
	},
	model.MessageReturnReceived: {
		"en":    {"We received your return for order {{.OrderNumber}}", "Hi {{.BuyerName}},\n\nYour return {{.ReturnID}} arrived at our warehouse and has been checked. Your refund follows.\n"},
		"zh-CN": {"我们已收到订单 {{.OrderNumber}} 的退货", "{{.BuyerName}}，您好：\n\n您的退货 {{.ReturnID}} 已到达仓库并完成验收，退款将随后处理。\n"},
		"id":    {"Retur pesanan {{.OrderNumber}} sudah kami terima", "Halo {{.BuyerName}},\n\nRetur {{.ReturnID}} telah tiba di gudang kami dan sudah diperiksa. Pengembalian dana akan segera diproses.\n"},
		"th":    {"เราได้รับสินค้าคืนของคำสั่งซื้อ {{.OrderNumber}} แล้ว", "สวัสดี {{.BuyerName}}\n\nสินค้าคืน {{.ReturnID}} ถึงคลังสินค้าและตรวจสอบแล้ว เงินคืนจะดำเนินการต่อไป\n"},
		"vi":    {"Chúng tôi đã nhận hàng trả của đơn {{.OrderNumber}}", "Xin chào {{.BuyerName}},\n\nHàng trả {{.ReturnID}} đã về kho và được kiểm tra. Khoản hoàn tiền sẽ được xử lý tiếp theo.\n"},
		"ms":    {"Kami telah menerima pemulangan pesanan {{.OrderNumber}}", "Hai {{.BuyerName}},\n\nPemulangan {{.ReturnID}} telah tiba di gudang kami dan diperiksa. Bayaran balik akan menyusul.\n"},
		"de":    {"Ihre Rücksendung zu Bestellung {{.OrderNumber}} ist angekommen", "Hallo {{.BuyerName}},\n\nIhre Rücksendung {{.ReturnID}} ist in unserem Lager angekommen und geprüft. Die Erstattung folgt.\n"},
		"fr":    {"Nous avons reçu votre retour pour la commande {{.OrderNumber}}", "Bonjour {{.BuyerName}},\n\nVotre retour {{.ReturnID}} est arrivé à notre entrepôt et a été contrôlé. Votre remboursement suit.\n"},
	},
	model.MessageRefundIssued: {
		"en":    {"Your refund for order {{.OrderNumber}}", "Hi {{.BuyerName}},\n\nWe have refunded your order {{.OrderNumber}} (request {{.ReturnID}}). You do not need to send anything back.\n"},
		"zh-CN": {"订单 {{.OrderNumber}} 已退款", "{{.BuyerName}}，您好：\n\n订单 {{.OrderNumber}} 已退款（申请 {{.ReturnID}}），您无需寄回商品。\n"},
		"id":    {"Pengembalian dana pesanan {{.OrderNumber}}", "Halo {{.BuyerName}},\n\nDana pesanan {{.OrderNumber}} telah dikembalikan (permintaan {{.ReturnID}}). Anda tidak perlu mengirim barang kembali.\n"},
		"th":    {"คืนเงินคำสั่งซื้อ {{.OrderNumber}} แล้ว", "สวัสดี {{.BuyerName}}\n\nเราคืนเงินคำสั่งซื้อ {{.OrderNumber}} แล้ว (คำขอ {{.ReturnID}}) คุณไม่ต้องส่งสินค้าคืน\n"},
		"vi":    {"Hoàn tiền đơn hàng {{.OrderNumber}}", "Xin chào {{.BuyerName}},\n\nChúng tôi đã hoàn tiền đơn hàng {{.OrderNumber}} (yêu cầu {{.ReturnID}}). Bạn không cần gửi trả hàng.\n"},
		"ms":    {"Bayaran balik pesanan {{.OrderNumber}}", "Hai {{.BuyerName}},\n\nKami telah membuat bayaran balik untuk pesanan {{.OrderNumber}} (permintaan {{.ReturnID}}). Anda tidak perlu memulangkan barang.\n"},
		"de":    {"Erstattung für Bestellung {{.OrderNumber}}", "Hallo {{.BuyerName}},\n\nWir haben Ihre Bestellung {{.OrderNumber}} erstattet (Antrag {{.ReturnID}}). Sie müssen nichts zurücksenden.\n"},
		"fr":    {"Remboursement de la commande {{.OrderNumber}}", "Bonjour {{.BuyerName}},\n\nNous avons remboursé votre commande {{.OrderNumber}} (demande {{.ReturnID}}). Vous n'avez rien à renvoyer.\n"},
	},
}

// marketLanguages is the language a market's buyers are written to in; a market not listed
// gets English.
var marketLanguages = map[model.Market]string{"ID": "id", "TH": "th", "VN": "vi", "MY": "ms", "DE": "de", "FR": "fr", "CN": "zh-CN"}

// LanguageOf returns the language of the market's buyers.
func LanguageOf(m model.Market) string {
	if l, ok := marketLanguages[m]; ok {
		return l
	}
	return "en"
}

// Template bounds.
const (
	maxSubjectLen = 300
	maxBodyLen    = 10_000
)

// render executes one template text on data. Only text, fields ({{.BuyerName}}) and {{if
// .Field}}…{{else}}…{{end}} are allowed: no functions, ranges or nested templates, so a shop's
// template cannot loop or call anything.
func render(name, text string, data MessageData) (string, error) {
	t, err := template.New(name).Option("missingkey=error").Parse(text)
	if err != nil {
		return "", err
	}
	for _, tt := range t.Templates() {
		if tt.Name() != name {
			return "", fmt.Errorf("{{define}} and {{block}} are not allowed")
		}
	}
	if t.Tree != nil && t.Tree.Root != nil {
		if err := allowedNodes(t.Tree.Root); err != nil {
			return "", err
		}
	}
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return "", err
	}
	return b.String(), nil
}

// allowedNodes refuses any part of a template but text, a field, and an if on a field.
func allowedNodes(list *parse.ListNode) error {
	if list == nil {
		return nil
	}
	for _, n := range list.Nodes {
		switch n := n.(type) {
		case *parse.TextNode, *parse.CommentNode:
		case *parse.ActionNode:
			if err := fieldOnly(n.Pipe); err != nil {
				return err
			}
		case *parse.IfNode:
			if err := fieldOnly(n.Pipe); err != nil {
				return err
			}
			if err := allowedNodes(n.List); err != nil {
				return err
			}
			if err := allowedNodes(n.ElseList); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%q is not allowed: use text, {{.Field}} and {{if .Field}}…{{end}}", n.String())
		}
	}
	return nil
}

// fieldOnly accepts a pipeline that is one field of MessageData.
func fieldOnly(p *parse.PipeNode) error {
	if p == nil || len(p.Decl) > 0 || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 {
		return fmt.Errorf("%q is not allowed: use a field alone, e.g. {{.OrderNumber}}", p.String())
	}
	if f, ok := p.Cmds[0].Args[0].(*parse.FieldNode); !ok || len(f.Ident) != 1 {
		return fmt.Errorf("%q is not allowed: use a field alone, e.g. {{.OrderNumber}}", p.String())
	}
	return nil
}

// renderWording renders a subject and body; the subject is one line.
func renderWording(w wording, data MessageData) (subject, body string, err error) {
	if subject, err = render("subject", w.subject, data); err != nil {
		return "", "", fmt.Errorf("subject: %w", err)
	}
	if body, err = render("body", w.body, data); err != nil {
		return "", "", fmt.Errorf("body: %w", err)
	}
	return strings.Join(strings.Fields(subject), " "), body, nil
}
