package sim

import (
	"container/heap"
	"crypto/sha256"
	"fmt"
	"sort"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/label"
)

// The platform's wire types as the sim writes them. They are the sim's own, written from the
// platform's documentation, not the client's: a test of the client against the sim checks two
// readings of the documentation against each other.

type wireOrder struct {
	ID                 string           `json:"id"`
	Status             string           `json:"status"`
	CreateTime         int64            `json:"create_time"`
	UpdateTime         int64            `json:"update_time"`
	PaidTime           int64            `json:"paid_time,omitempty"`
	RTSTime            int64            `json:"rts_time,omitempty"`
	CollectionTime     int64            `json:"collection_time,omitempty"`
	DeliveryTime       int64            `json:"delivery_time,omitempty"`
	CancelTime         int64            `json:"cancel_time,omitempty"`
	RTSSLATime         int64            `json:"rts_sla_time,omitempty"`
	TTSSLATime         int64            `json:"tts_sla_time,omitempty"`
	ShippingDueTime    int64            `json:"shipping_due_time,omitempty"`
	CollectionDueTime  int64            `json:"collection_due_time,omitempty"`
	DeliveryDueTime    int64            `json:"delivery_due_time,omitempty"`
	DeliverySLATime    int64            `json:"delivery_sla_time,omitempty"`
	CancelOrderSLATime int64            `json:"cancel_order_sla_time,omitempty"`
	RecipientAddress   wireAddress      `json:"recipient_address"`
	LineItems          []wireLineItem   `json:"line_items"`
	Payment            wirePayment      `json:"payment"`
	IsCOD              bool             `json:"is_cod"`
	IsOnHoldOrder      bool             `json:"is_on_hold_order"`
	FulfillmentType    string           `json:"fulfillment_type"`
	ShippingType       string           `json:"shipping_type"`
	DeliveryOptionID   string           `json:"delivery_option_id"`
	WarehouseID        string           `json:"warehouse_id"`
	Packages           []wirePackageRef `json:"packages"`
	BuyerEmail         string           `json:"buyer_email"`
	BuyerMessage       string           `json:"buyer_message"`
	UserID             string           `json:"user_id"`
	CancelReason       string           `json:"cancel_reason,omitempty"`
	TrackingNumber     string           `json:"tracking_number,omitempty"`
	ShippingProviderID string           `json:"shipping_provider_id,omitempty"`
	ShippingProvider   string           `json:"shipping_provider,omitempty"`
}

type wireAddress struct {
	Name         string         `json:"name"`
	PhoneNumber  string         `json:"phone_number"`
	AddressLine1 string         `json:"address_line1"`
	AddressLine2 string         `json:"address_line2"`
	AddressLine3 string         `json:"address_line3"`
	AddressLine4 string         `json:"address_line4"`
	DistrictInfo []wireDistrict `json:"district_info"`
	FullAddress  string         `json:"full_address"`
	PostalCode   string         `json:"postal_code"`
	RegionCode   string         `json:"region_code"`
}

type wireDistrict struct {
	AddressLevelName string `json:"address_level_name"`
	AddressName      string `json:"address_name"`
	AddressLevel     string `json:"address_level"`
}

type wireLineItem struct {
	ID                 string `json:"id"`
	SKUID              string `json:"sku_id"`
	SellerSKU          string `json:"seller_sku"`
	ProductID          string `json:"product_id"`
	ProductName        string `json:"product_name"`
	SKUName            string `json:"sku_name"`
	SalePrice          string `json:"sale_price"`
	OriginalPrice      string `json:"original_price"`
	Currency           string `json:"currency"`
	PackageID          string `json:"package_id"`
	PackageStatus      string `json:"package_status"`
	DisplayStatus      string `json:"display_status"`
	IsGift             bool   `json:"is_gift"`
	TrackingNumber     string `json:"tracking_number,omitempty"`
	ShippingProviderID string `json:"shipping_provider_id,omitempty"`
}

type wirePayment struct {
	Currency         string `json:"currency"`
	SubTotal         string `json:"sub_total"`
	ShippingFee      string `json:"shipping_fee"`
	SellerDiscount   string `json:"seller_discount"`
	PlatformDiscount string `json:"platform_discount"`
	Tax              string `json:"tax"`
	TotalAmount      string `json:"total_amount"`
}

type wirePackageRef struct {
	ID string `json:"id"`
}

// seller is one seller account: its shops share an authorisation.
type seller struct {
	openID, name, region string
	shops                []*shopState
	// deauthorized: the seller revoked the app (webhook type 6); its tokens stop working until
	// it authorises again.
	deauthorized bool
	// authEnd is when the seller's authorisation ends (refresh token expiry of the latest
	// authorisation).
	authEnd time.Time
}

// shopState is one shop and its orders, indexed for search.
type shopState struct {
	Shop
	cipher, code     string
	seller           *seller
	market           config.Market
	deliveryOptionID string
	warehouseID      string
	providers        []provider
	// subs are webhook addresses by event type name.
	subs map[string]string
	// byUpdate and byCreate hold the shop's orders sorted by (update_time, id) and
	// (create_time, id), for keyset paging.
	byUpdate, byCreate []*order
	cancels, returns   []string
}

type provider struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// pkgState is where a package is.
type pkgState uint8

const (
	pkgToShip pkgState = iota
	pkgAwaitingCollection
	pkgInTransit
	pkgDelivered
	pkgCancelled
)

// lineStatus is the package_status of a line item in a package in state st.
func (st pkgState) lineStatus() string {
	return [...]string{"TO_FULFILL", "PROCESSING", "FULFILLING", "COMPLETED", "CANCELLED"}[st]
}

// packageStatus is the package's own status.
func (st pkgState) packageStatus() string {
	return [...]string{"PROCESSING", "PROCESSING", "FULFILLING", "COMPLETED", "CANCELLED"}[st]
}

type order struct {
	w    wireOrder
	shop *shopState
	pkgs []*pkg
	// to is the recipient as a label prints it.
	to labelAddress
}

type pkg struct {
	id           string
	order        *order
	items        []int // indexes into order.w.LineItems
	state        pkgState
	shippingType string
	handover     string
	tracking     string
	providerID   string
	providerName string
	createTime   int64
	updateTime   int64
	shippedAt    time.Time
}

// labelAddress is the recipient of a platform label.
type labelAddress struct {
	name, line1, line2, city, region, postal, country, phone string
}

type accessToken struct {
	seller  *seller
	expires time.Time
	scopes  []string
}

type refreshToken struct {
	seller  *seller
	expires time.Time
}

type authCode struct {
	seller  *seller
	expires time.Time
	used    bool
}

type cancellation struct {
	id, orderID, status, reason, role string
	shop                              *shopState
	create, update                    int64
}

type returnReq struct {
	id, orderID, status, returnType, reason, role string
	shop                                          *shopState
	create, update                                int64
}

// document is a doc_url's file: the label of a platform-logistics package.
type document struct {
	label   label.Label
	expires time.Time
}

// timer kinds.
type timerKind uint8

const (
	timerPay timerKind = iota + 1
	timerCollect
	timerDeliver
	timerComplete
	timerAutoCancel
)

type timer struct {
	at    time.Time
	seq   uint64
	kind  timerKind
	order *order
	pkg   *pkg
}

// timerHeap orders timers by time, then by creation.
type timerHeap []timer

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if !h[i].at.Equal(h[j].at) {
		return h[i].at.Before(h[j].at)
	}
	return h[i].seq < h[j].seq
}
func (h timerHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *timerHeap) Push(x any)   { *h = append(*h, x.(timer)) }
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	*h = old[:len(old)-1]
	return t
}

// schedule adds a timer.
func (s *Sim) schedule(at time.Time, kind timerKind, o *order, p *pkg) {
	s.seq++
	heap.Push(&s.timers, timer{at: at, seq: s.seq, kind: kind, order: o, pkg: p})
}

// keyed is an order's sort key in one index.
type keyed func(*order) int64

func byUpdateKey(o *order) int64 { return o.w.UpdateTime }
func byCreateKey(o *order) int64 { return o.w.CreateTime }

// search returns the first position in idx whose (key, id) is not before (k, id).
func searchIndex(idx []*order, key keyed, k int64, id string) int {
	return sort.Search(len(idx), func(i int) bool {
		ki := key(idx[i])
		return ki > k || (ki == k && idx[i].w.ID >= id)
	})
}

func insertIndex(idx []*order, key keyed, o *order) []*order {
	i := searchIndex(idx, key, key(o), o.w.ID)
	idx = append(idx, nil)
	copy(idx[i+1:], idx[i:])
	idx[i] = o
	return idx
}

func removeIndex(idx []*order, key keyed, o *order) []*order {
	i := searchIndex(idx, key, key(o), o.w.ID)
	if i < len(idx) && idx[i] == o {
		return append(idx[:i], idx[i+1:]...)
	}
	return idx
}

// touch sets the order's update_time, keeping the shop's index sorted.
func (s *Sim) touch(o *order, now time.Time) {
	sh := o.shop
	sh.byUpdate = removeIndex(sh.byUpdate, byUpdateKey, o)
	o.w.UpdateTime = now.Unix()
	sh.byUpdate = insertIndex(sh.byUpdate, byUpdateKey, o)
}

// nextID is a new platform id: prefix and digits, unique in the sim, different for another
// seed.
func (s *Sim) nextID(prefix string) string {
	s.seq++
	return fmt.Sprintf("%s%016d", prefix, s.idBase+s.seq)
}

// stableID is a deterministic id of n digits for name (ciphers, provider ids), starting with
// 7 like the platform's.
func stableID(name string, digits int) string {
	sum := sha256.Sum256([]byte(name))
	b := make([]byte, digits)
	b[0] = '7'
	for i := 1; i < digits; i++ {
		b[i] = '0' + sum[i%len(sum)]%10
	}
	return string(b)
}
