// Package maporder defines Analyzer, which reports a range over a map whose
// body lets Go's random iteration order escape.
//
// Every endorsing peer runs a transaction on its own, and their results must
// agree byte for byte. A map is walked in a different order on every run, so
// a loop over one that appends to a slice, writes to the ledger, writes
// output or returns from inside gives each peer its own answer: the
// endorsements then disagree, or worse, agree by luck in tests and not in
// production. The fix is to walk the keys in order, for example
//
//	for _, k := range slices.Sorted(maps.Keys(m)) { ... }
//
// or to sort what the loop collected before it is used.
//
// The analyzer is deliberately simple and syntactic. Inside the loop body
// (not counting function literals, which run later if at all) these count as
// letting the order escape:
//
//   - append to a slice declared outside the loop, unless that slice is
//     passed, after the loop in the same function, to a sorting function: one
//     of package sort (sort.Strings, sort.Slice) or one whose name begins
//     with "sort" or "Sort" (slices.Sort, slices.Sorted, or a helper of the
//     package such as sorted);
//   - += on a string declared outside the loop;
//   - a return statement;
//   - a call of a method or function that writes: one whose name begins with
//     Put, Del, Purge, SetEvent, Write, Print, Fprint or Encode (the shim's
//     PutState and DelState, state.Store's Put and PurgePrivate,
//     strings.Builder's WriteString, fmt.Fprintf, json.Encoder's Encode).
//
// Test files are not checked: their order reaches no ledger.
package maporder

import (
	"go/ast"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"
)

// Analyzer reports ranges over maps that make the iteration order visible.
var Analyzer = &analysis.Analyzer{
	Name:     "maporder",
	Doc:      "report ranges over maps whose bodies append, write, return or print in Go's random map order",
	Requires: []*analysis.Analyzer{inspect.Analyzer},
	Run:      run,
}

func run(pass *analysis.Pass) (any, error) {
	insp := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	filter := []ast.Node{(*ast.FuncDecl)(nil), (*ast.FuncLit)(nil), (*ast.RangeStmt)(nil)}
	var bodies []*ast.BlockStmt // enclosing function bodies, innermost last
	insp.Nodes(filter, func(n ast.Node, push bool) bool {
		switch n := n.(type) {
		case *ast.FuncDecl, *ast.FuncLit:
			if push {
				if isTestFile(pass, n) {
					return false
				}
				bodies = append(bodies, funcBody(n))
			} else {
				bodies = bodies[:len(bodies)-1]
			}
		case *ast.RangeStmt:
			if push && isMap(pass.TypesInfo.TypeOf(n.X)) && len(bodies) > 0 {
				check(pass, n, bodies[len(bodies)-1])
			}
		}
		return true
	})
	return nil, nil
}

// check reports loop if its body lets the order escape. fn is the body of the
// function that holds loop, where a later sort of the collected slice is
// looked for.
func check(pass *analysis.Pass, loop *ast.RangeStmt, fn *ast.BlockStmt) {
	e, ok := findEscape(pass, loop)
	if !ok {
		return
	}
	if e.appended != nil && sortedAfter(pass, fn, loop.End(), e.appended) {
		return
	}
	pass.Reportf(loop.For, "range over map %s %s in random order: range over slices.Sorted(maps.Keys(...)) or sort the result",
		types.ExprString(loop.X), e.what)
}

func funcBody(n ast.Node) *ast.BlockStmt {
	if d, ok := n.(*ast.FuncDecl); ok {
		return d.Body
	}
	return n.(*ast.FuncLit).Body
}

func isTestFile(pass *analysis.Pass, n ast.Node) bool {
	return strings.HasSuffix(pass.Fset.File(n.Pos()).Name(), "_test.go")
}

func isMap(t types.Type) bool {
	if t == nil {
		return false
	}
	_, ok := t.Underlying().(*types.Map)
	return ok
}

// declaredOutside reports whether obj is declared outside node, so that a
// change to it survives the loop.
func declaredOutside(obj types.Object, node ast.Node) bool {
	return obj != nil && (obj.Pos() < node.Pos() || obj.Pos() >= node.End())
}

// target returns the variable or field that e names, or nil.
func target(pass *analysis.Pass, e ast.Expr) types.Object {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		return pass.TypesInfo.ObjectOf(e)
	case *ast.SelectorExpr:
		return pass.TypesInfo.ObjectOf(e.Sel)
	}
	return nil
}
