package shipping

import (
	"encoding/json"
	"fmt"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

// shipmentEvent is the notify.event of a shipment's change (shipment.purchased,
// shipment.voided), enqueued with the change: id is the shipment's, data the shipment as
// GET /v1/shipments/{id} shows it.
func shipmentEvent(typ string, sh model.Shipment) (store.Job, error) {
	data, err := json.Marshal(sh)
	if err != nil {
		return store.Job{}, fmt.Errorf("shipment %s event: %w", sh.ID, err)
	}
	return store.NewJob(model.NotifyEvent{Type: typ, ShopID: sh.ShopID, OrderID: sh.OrderID, ID: sh.ID, Data: data})
}
