package tiktok

// The platform's order statuses (GET /order/202309/orders, orders/search).
const (
	OrderUnpaid             = "UNPAID"
	OrderOnHold             = "ON_HOLD"
	OrderAwaitingShipment   = "AWAITING_SHIPMENT"
	OrderPartiallyShipping  = "PARTIALLY_SHIPPING"
	OrderAwaitingCollection = "AWAITING_COLLECTION"
	OrderInTransit          = "IN_TRANSIT"
	OrderDelivered          = "DELIVERED"
	OrderCompleted          = "COMPLETED"
	OrderCancelled          = "CANCELLED"
	// OrderCancelWebhook is how ORDER_STATUS_CHANGE webhooks spell CANCELLED.
	OrderCancelWebhook = "CANCEL"
)

// A line item's package_status.
const (
	LineToFulfill  = "TO_FULFILL"
	LineProcessing = "PROCESSING"
	LineFulfilling = "FULFILLING"
	LineCompleted  = "COMPLETED"
	LineCancelled  = "CANCELLED"
)

// Shipping responsibility (R-MODE-2) and fulfilment type.
const (
	ShippingTypeTikTok      = "TIKTOK" // platform logistics: the platform issues label and tracking number
	ShippingTypeSeller      = "SELLER" // seller shipping: the seller uploads the tracking number
	FulfillmentBySeller     = "FULFILLMENT_BY_SELLER"
	FulfillmentByTikTok     = "FULFILLMENT_BY_TIKTOK"
	HandoverPickup          = "PICKUP"
	HandoverDropOff         = "DROP_OFF"
	DocumentShippingLabel   = "SHIPPING_LABEL"
	DocumentPackingSlip     = "PACKING_SLIP"
	DocumentLabelAndSlip    = "SHIPPING_LABEL_AND_PACKING_SLIP"
	DocumentSizeA6          = "A6"
	DocumentSizeA5          = "A5"
	DocumentFormatPDF       = "PDF"
	DocumentFormatZPL       = "ZPL"
	PackageStatusProcessing = "PROCESSING"
	PackageStatusFulfilling = "FULFILLING"
	PackageStatusCompleted  = "COMPLETED"
	PackageStatusCancelled  = "CANCELLED"
)

// Order is an order as the platform's order API writes it. Times are Unix seconds (0: not set);
// amounts are decimal strings in the currency's major unit ("12.99"), read exactly by
// ParseAmount. Only the fields lastmile uses are declared; the rest are ignored.
type Order struct {
	ID         string `json:"id"`
	Status     string `json:"status"`
	CreateTime int64  `json:"create_time"`
	UpdateTime int64  `json:"update_time"`
	// Milestones.
	PaidTime       int64 `json:"paid_time"`
	RTSTime        int64 `json:"rts_time"`
	CollectionTime int64 `json:"collection_time"`
	DeliveryTime   int64 `json:"delivery_time"`
	CancelTime     int64 `json:"cancel_time"`
	// Deadlines: rts_sla_time (latest ship), tts_sla_time (latest collection),
	// shipping_due_time (auto-cancel unless AWAITING_COLLECTION by then), collection_due_time,
	// delivery_due_time, delivery_sla_time (on-time delivery), cancel_order_sla_time.
	RTSSLATime         int64 `json:"rts_sla_time"`
	TTSSLATime         int64 `json:"tts_sla_time"`
	ShippingDueTime    int64 `json:"shipping_due_time"`
	CollectionDueTime  int64 `json:"collection_due_time"`
	DeliveryDueTime    int64 `json:"delivery_due_time"`
	DeliverySLATime    int64 `json:"delivery_sla_time"`
	CancelOrderSLATime int64 `json:"cancel_order_sla_time"`

	RecipientAddress RecipientAddress `json:"recipient_address"`
	LineItems        []LineItem       `json:"line_items"`
	Payment          Payment          `json:"payment"`
	IsCOD            bool             `json:"is_cod"`
	IsOnHoldOrder    bool             `json:"is_on_hold_order"`
	FulfillmentType  string           `json:"fulfillment_type"`
	ShippingType     string           `json:"shipping_type"`
	DeliveryOptionID string           `json:"delivery_option_id"`
	WarehouseID      string           `json:"warehouse_id"`
	Packages         []PackageRef     `json:"packages"`
	BuyerEmail       string           `json:"buyer_email"`
	BuyerMessage     string           `json:"buyer_message"`
	UserID           string           `json:"user_id"`
	CancelReason     string           `json:"cancel_reason"`
	// TrackingNumber and ShippingProviderID are the order's shipment once it shipped.
	TrackingNumber     string `json:"tracking_number"`
	ShippingProviderID string `json:"shipping_provider_id"`
	ShippingProvider   string `json:"shipping_provider"`
}

// RecipientAddress is where the order goes. DistrictInfo lists the administrative levels from
// the country down (address_level_name "country", "State", "County", "City", …).
type RecipientAddress struct {
	Name          string     `json:"name"`
	FirstName     string     `json:"first_name"`
	LastName      string     `json:"last_name"`
	PhoneNumber   string     `json:"phone_number"`
	AddressLine1  string     `json:"address_line1"`
	AddressLine2  string     `json:"address_line2"`
	AddressLine3  string     `json:"address_line3"`
	AddressLine4  string     `json:"address_line4"`
	AddressDetail string     `json:"address_detail"`
	FullAddress   string     `json:"full_address"`
	DistrictInfo  []District `json:"district_info"`
	PostalCode    string     `json:"postal_code"`
	RegionCode    string     `json:"region_code"`
}

// District is one administrative level of an address.
type District struct {
	AddressLevelName string `json:"address_level_name"`
	AddressName      string `json:"address_name"`
	AddressLevel     string `json:"address_level"`
}

// LineItem is one line of an order. The platform lists one line item per unit: two of a SKU are
// two line items with their own ids. Quantity is read when present (0 or absent is one unit).
type LineItem struct {
	ID                 string `json:"id"`
	SKUID              string `json:"sku_id"`
	SellerSKU          string `json:"seller_sku"`
	ProductID          string `json:"product_id"`
	ProductName        string `json:"product_name"`
	SKUName            string `json:"sku_name"`
	Quantity           int64  `json:"quantity"`
	SalePrice          string `json:"sale_price"`
	OriginalPrice      string `json:"original_price"`
	Currency           string `json:"currency"`
	PackageID          string `json:"package_id"`
	PackageStatus      string `json:"package_status"`
	DisplayStatus      string `json:"display_status"`
	IsGift             bool   `json:"is_gift"`
	TrackingNumber     string `json:"tracking_number"`
	ShippingProviderID string `json:"shipping_provider_id"`
}

// Payment is what the buyer paid.
type Payment struct {
	Currency         string `json:"currency"`
	SubTotal         string `json:"sub_total"`
	ShippingFee      string `json:"shipping_fee"`
	SellerDiscount   string `json:"seller_discount"`
	PlatformDiscount string `json:"platform_discount"`
	Tax              string `json:"tax"`
	TotalAmount      string `json:"total_amount"`
}

// PackageRef is one package of an order.
type PackageRef struct {
	ID string `json:"id"`
}
