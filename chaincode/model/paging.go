package model

// Page sizes for paginated reads: a non-positive size means DefaultPageSize;
// larger sizes are capped at MaxPageSize.
const (
	DefaultPageSize = 100
	MaxPageSize     = 1000
)

// PageSize applies the defaults and the cap to a requested page size.
func PageSize(n int32) int32 {
	switch {
	case n <= 0:
		return DefaultPageSize
	case n > MaxPageSize:
		return MaxPageSize
	}
	return n
}
