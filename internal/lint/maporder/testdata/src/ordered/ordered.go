// Package ordered has only test code that ranges over a map.
package ordered
