package api

import (
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"lastmile/internal/model"
)

var wildcardRE = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)(\.\.\.)?\}`)

// checkParams refuses a request whose path parameters (the {names} of pattern) or query
// parameters hold a NUL or bytes that are not UTF-8 (%00, %FF in the URL): PostgreSQL cannot
// take them as text, and no id or filter lastmile made contains them. The 422 names the
// parameter; nothing reaches the handler or the store.
func (s *Server) checkParams(pattern string, next http.Handler) http.Handler {
	var names []string
	for _, m := range wildcardRE.FindAllStringSubmatch(pattern, -1) {
		names = append(names, m[1])
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var problems []model.FieldError
		for _, n := range names {
			if p, bad := textProblem(n, r.PathValue(n)); bad {
				problems = append(problems, p)
			}
		}
		if r.URL.RawQuery != "" {
			q := r.URL.Query()
			for _, k := range slices.Sorted(maps.Keys(q)) {
				if _, bad := textProblem(k, k); bad {
					problems = append(problems, model.FieldError{Code: "invalid_encoding", Field: "query",
						Message: "a query parameter's name holds a NUL or bytes that are not UTF-8; send only the documented parameters"})
					continue
				}
				for _, v := range q[k] {
					if p, bad := textProblem(k, v); bad {
						problems = append(problems, p)
						break
					}
				}
			}
		}
		if len(problems) > 0 {
			s.fail(w, r, &model.ValidationError{Problems: problems})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// textProblem reports whether s, the value of the parameter name, is text lastmile refuses: not
// valid UTF-8, or holding a NUL.
func textProblem(name, s string) (model.FieldError, bool) {
	switch {
	case !utf8.ValidString(s):
		return model.FieldError{Code: "invalid_encoding", Field: name,
			Message: fmt.Sprintf("%s holds bytes that are not UTF-8; percent-encode the UTF-8 bytes of the text", name)}, true
	case strings.IndexByte(s, 0) >= 0:
		return model.FieldError{Code: "invalid_character", Field: name,
			Message: fmt.Sprintf("%s holds a NUL character (%%00), which no id or filter of lastmile contains; remove it", name)}, true
	}
	return model.FieldError{}, false
}

// cleanText reports whether s is valid UTF-8 without NUL: what a decoded cursor must be.
func cleanText(s string) bool { return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 }
