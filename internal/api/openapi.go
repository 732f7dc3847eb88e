package api

import (
	_ "embed"
	"net/http"
)

// openAPI is the OpenAPI 3.1 description of this API. It is written by hand and held to the
// route table by TestOpenAPICoversEveryRoute.
//
//go:embed openapi.json
var openAPI []byte

func serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write(openAPI)
}
