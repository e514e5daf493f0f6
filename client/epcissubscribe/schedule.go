package epcissubscribe

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Schedule is a scheduled subscription's trigger, as the binding writes
// it: each field a comma-separated list of numbers and [a-b] ranges. It is
// read in UTC. A field left out that is finer than the finest field given
// is its smallest value (so {"hour":"1","minute":"5"} fires once a day at
// 01:05:00); one coarser than it is any value.
type Schedule struct {
	Second     string `json:"second,omitempty"`
	Minute     string `json:"minute,omitempty"`
	Hour       string `json:"hour,omitempty"`
	DayOfMonth string `json:"dayOfMonth,omitempty"`
	Month      string `json:"month,omitempty"`
	DayOfWeek  string `json:"dayOfWeek,omitempty"` // 1 Monday ... 7 Sunday
}

// sets is a parsed Schedule: one set of allowed values per field.
type sets struct {
	second, minute, hour, dom, month, dow [61]bool
}

type field struct {
	name   string
	val    string
	lo, hi int
	set    *[61]bool
}

// parse checks the schedule and returns its sets.
func (s Schedule) parse() (*sets, error) {
	var x sets
	fields := []field{ // finest first
		{"second", s.Second, 0, 59, &x.second}, {"minute", s.Minute, 0, 59, &x.minute}, {"hour", s.Hour, 0, 23, &x.hour},
		{"dayOfMonth", s.DayOfMonth, 1, 31, &x.dom}, {"month", s.Month, 1, 12, &x.month}, {"dayOfWeek", s.DayOfWeek, 1, 7, &x.dow},
	}
	finest := -1
	for i, f := range fields[:5] { // dayOfWeek constrains days as dayOfMonth does
		if f.val != "" && finest < 0 {
			finest = i
		}
	}
	if s.DayOfWeek != "" && finest < 0 {
		finest = 3
	}
	if finest < 0 {
		return nil, fmt.Errorf("a schedule needs at least one of second, minute, hour, dayOfMonth, month, dayOfWeek")
	}
	for i, f := range fields {
		if len(f.val) > 200 {
			return nil, fmt.Errorf("schedule %s is too long", f.name)
		}
		switch {
		case f.val != "":
			if err := f.fill(); err != nil {
				return nil, err
			}
		case i < finest:
			f.set[f.lo] = true
		default:
			for v := f.lo; v <= f.hi; v++ {
				f.set[v] = true
			}
		}
	}
	return &x, nil
}

func (f field) fill() error {
	for _, el := range strings.Split(f.val, ",") {
		el = strings.TrimSpace(el)
		a, b := el, el
		if strings.HasPrefix(el, "[") && strings.HasSuffix(el, "]") {
			var ok bool
			a, b, ok = strings.Cut(el[1:len(el)-1], "-")
			if !ok {
				return fmt.Errorf("schedule %s: %q is not a number or a [a-b] range", f.name, el)
			}
		}
		lo, err1 := strconv.Atoi(a)
		hi, err2 := strconv.Atoi(b)
		if err1 != nil || err2 != nil || lo < f.lo || hi > f.hi || lo > hi {
			return fmt.Errorf("schedule %s: %q is not a value or range within %d to %d", f.name, el, f.lo, f.hi)
		}
		for v := lo; v <= hi; v++ {
			f.set[v] = true
		}
	}
	return nil
}

// next returns the first firing strictly after t (UTC), or false when
// there is none in the next 5 years (e.g. the 31st of February).
func (x *sets) next(t time.Time) (time.Time, bool) {
	t = t.UTC().Truncate(time.Second)
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	for range 5 * 366 {
		dow := int(day.Weekday())
		if dow == 0 {
			dow = 7
		}
		if x.month[int(day.Month())] && x.dom[day.Day()] && x.dow[dow] {
			for h := 0; h < 24; h++ {
				if !x.hour[h] {
					continue
				}
				for m := 0; m < 60; m++ {
					if !x.minute[m] {
						continue
					}
					for s := 0; s < 60; s++ {
						if c := day.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(s)*time.Second); x.second[s] && c.After(t) {
							return c, true
						}
					}
				}
			}
		}
		day = day.AddDate(0, 0, 1)
	}
	return time.Time{}, false
}
