package maporder

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// escape is the first statement or call in a loop body that makes the
// iteration order visible.
type escape struct {
	what     string       // what the body does, for the report: "appends to out"
	appended types.Object // the slice appended to, when that is what it does
}

// writePrefixes begin the names of calls that write to the ledger or to output.
var writePrefixes = []string{"Put", "Del", "Purge", "SetEvent", "Write", "Print", "Fprint", "Encode"}

// findEscape returns the first escape in loop's body. Appends are looked at
// last: a loop that appends and also writes is reported for the write, which
// no later sort can undo.
func findEscape(pass *analysis.Pass, loop *ast.RangeStmt) (escape, bool) {
	var first, appended *escape
	ast.Inspect(loop.Body, func(n ast.Node) bool {
		if first != nil {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			first = &escape{what: "returns"}
		case *ast.AssignStmt:
			if n.Tok == token.ADD_ASSIGN && len(n.Lhs) == 1 && isString(pass.TypesInfo.TypeOf(n.Lhs[0])) {
				if obj := target(pass, n.Lhs[0]); declaredOutside(obj, loop) {
					first = &escape{what: "adds to string " + obj.Name()}
				}
			}
		case *ast.CallExpr:
			if name, ok := writeCall(pass, n); ok {
				first = &escape{what: "calls " + name}
			} else if obj, ok := appendTarget(pass, n); ok && declaredOutside(obj, loop) && appended == nil {
				appended = &escape{what: "appends to " + obj.Name(), appended: obj}
			}
		}
		return true
	})
	switch {
	case first != nil:
		return *first, true
	case appended != nil:
		return *appended, true
	}
	return escape{}, false
}

// writeCall returns the name of the function or method call calls when that
// name marks a write.
func writeCall(pass *analysis.Pass, call *ast.CallExpr) (string, bool) {
	fn, ok := calledFunc(pass, call)
	if !ok {
		return "", false
	}
	for _, p := range writePrefixes {
		if strings.HasPrefix(fn.Name(), p) {
			return fn.Name(), true
		}
	}
	return "", false
}

// appendTarget returns the variable that a call of the builtin append grows.
func appendTarget(pass *analysis.Pass, call *ast.CallExpr) (types.Object, bool) {
	id, ok := ast.Unparen(call.Fun).(*ast.Ident)
	if !ok || len(call.Args) == 0 {
		return nil, false
	}
	if b, ok := pass.TypesInfo.Uses[id].(*types.Builtin); !ok || b.Name() != "append" {
		return nil, false
	}
	obj := target(pass, call.Args[0])
	return obj, obj != nil
}

// calledFunc returns the declared function or method that call calls.
func calledFunc(pass *analysis.Pass, call *ast.CallExpr) (*types.Func, bool) {
	var id *ast.Ident
	switch f := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		id = f
	case *ast.SelectorExpr:
		id = f.Sel
	default:
		return nil, false
	}
	fn, ok := pass.TypesInfo.Uses[id].(*types.Func)
	return fn, ok
}

func isString(t types.Type) bool {
	if t == nil {
		return false
	}
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsString != 0
}

// sortedAfter reports whether obj is an argument, at any depth, of a call of
// a sorting function in fn after pos.
func sortedAfter(pass *analysis.Pass, fn *ast.BlockStmt, pos token.Pos, obj types.Object) bool {
	found := false
	ast.Inspect(fn, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if found || !ok || call.Pos() < pos {
			return !found
		}
		if f, ok := calledFunc(pass, call); !ok || !sorts(f) {
			return true
		}
		for _, arg := range call.Args {
			if mentions(pass, arg, obj) {
				found = true
			}
		}
		return !found
	})
	return found
}

// sorts reports whether f sorts its argument: a function of package sort
// that is not a search or a test, or any function whose name begins with
// "sort" or "Sort".
func sorts(f *types.Func) bool {
	if f.Pkg() != nil && f.Pkg().Path() == "sort" && !strings.HasPrefix(f.Name(), "Search") && !strings.HasPrefix(f.Name(), "Is") {
		return true
	}
	return strings.HasPrefix(strings.ToLower(f.Name()), "sort")
}

// mentions reports whether e refers to obj anywhere inside it.
func mentions(pass *analysis.Pass, e ast.Expr, obj types.Object) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && pass.TypesInfo.ObjectOf(id) == obj {
			found = true
		}
		return !found
	})
	return found
}
