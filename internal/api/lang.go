package api

import (
	"net/http"

	"lastmile/internal/i18n"
	"lastmile/internal/model"
)

// requestLang is the language the client asked for: ?lang= first, then Accept-Language (with
// its q-values), else English. Codes and fields never change with it; only messages do.
func requestLang(r *http.Request) i18n.Lang {
	q := ""
	if r.URL.RawQuery != "" {
		q = r.URL.Query().Get("lang")
	}
	return i18n.Negotiate(q, "", r.Header.Get("Accept-Language"))
}

// localize returns e with its messages in lang (e itself for English, whose detailed messages
// are written where the errors are made). A code the catalogue lacks gets the generic message,
// which names the code and field and keeps the English detail.
func localize(e *apiError, lang i18n.Lang, requestID string) *apiError {
	if lang == i18n.EN {
		return e
	}
	out := *e
	out.Message = localMessage(lang, model.FieldError{Code: e.Code, Field: e.Field, Message: e.Message}, requestID)
	if len(e.Details) > 0 {
		out.Details = make([]model.FieldError, len(e.Details))
		for i, d := range e.Details {
			d.Message = localMessage(lang, d, requestID)
			out.Details[i] = d
		}
	}
	return &out
}

// localMessage is p's message in lang from the catalogue (api.error.<code>).
func localMessage(lang i18n.Lang, p model.FieldError, requestID string) string {
	field := p.Field
	if field == "" {
		field = i18n.T(lang, "api.error.field.body", nil)
	}
	args := i18n.Args{"field": field, "code": p.Code, "detail": p.Message, "request_id": requestID}
	key := "api.error." + p.Code
	if !i18n.Has(key) {
		key = "api.error.generic"
	}
	return i18n.T(lang, key, args)
}

// csvTranslator puts the statuses and problems of an import's results in a language.
type csvTranslator struct{ lang i18n.Lang }

func (c csvTranslator) Status(s string) string {
	if k := "csv.status." + s; i18n.Has(k) {
		return i18n.T(c.lang, k, nil)
	}
	return s
}

func (c csvTranslator) Problem(p model.FieldError) model.FieldError {
	p.Message = localMessage(c.lang, p, "")
	return p
}
