package statetest

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/state"
)

func TestMemoryTxDoesNotReadItsOwnWrites(t *testing.T) {
	m := NewMemory()
	tx := m.Begin(Tx{MSPID: "Org1MSP", TxID: "t1", Time: time.Unix(10, 0)})
	require.NoError(t, tx.Put("a", []byte("1")))
	v, err := tx.Get("a")
	require.NoError(t, err)
	assert.Nil(t, v)
	require.NoError(t, tx.Commit())
	assert.Error(t, tx.Commit())

	tx2 := m.Begin(Tx{})
	vs, err := tx2.GetMany([]string{"a", "b"})
	require.NoError(t, err)
	assert.Equal(t, [][]byte{[]byte("1"), nil}, vs)
	require.NoError(t, tx2.Delete("a"))
	require.NoError(t, tx2.Put("c", []byte("3")))
	require.NoError(t, tx2.Put("c", []byte("4")))
	assert.Error(t, tx2.Put("d", nil))
	s := tx2.Stats()
	assert.Equal(t, Stats{Reads: 2, GetManyCalls: 1, Writes: 2}, s)
	require.NoError(t, tx2.Commit())
	assert.Nil(t, m.Value("a"))
	assert.Equal(t, []byte("4"), m.Value("c"))
}

func TestMemoryScanAndPages(t *testing.T) {
	m := NewMemory()
	tx := m.Begin(Tx{})
	for _, attrs := range [][]string{{"g", "b1", "1"}, {"g", "b1", "2"}, {"g", "b1", "3"}, {"g", "b10", "9"}, {"g", "b2", "4"}} {
		k, err := tx.CreateKey("batch", attrs...)
		require.NoError(t, err)
		require.NoError(t, tx.Put(k, []byte("u")))
	}
	other, _ := state.CompositeKey("batches", "g", "b1", "x")
	require.NoError(t, tx.Put(other, []byte("u")))
	require.NoError(t, tx.Commit())

	r := m.Begin(Tx{})
	var got []string
	require.NoError(t, r.Scan("batch", []string{"g", "b1"}, func(kv state.KV) error {
		_, a, err := r.SplitKey(kv.Key)
		got = append(got, a[2])
		return err
	}))
	assert.Equal(t, []string{"1", "2", "3"}, got)
	stop := errors.New("stop")
	assert.ErrorIs(t, r.Scan("batch", nil, func(state.KV) error { return stop }), stop)

	p1, err := r.ScanPage("batch", []string{"g", "b1"}, 2, "")
	require.NoError(t, err)
	assert.Len(t, p1.Entries, 2)
	require.NotEmpty(t, p1.Bookmark)
	p2, err := r.ScanPage("batch", []string{"g", "b1"}, 2, p1.Bookmark)
	require.NoError(t, err)
	assert.Len(t, p2.Entries, 1)
	assert.Empty(t, p2.Bookmark)
	assert.Error(t, r.Put("x", []byte("1")), "writes after a paginated query are refused, as on a peer")

	w := m.Begin(Tx{})
	require.NoError(t, w.Put("x", []byte("1")))
	_, err = w.ScanPage("batch", nil, 1, "")
	assert.Error(t, err, "paginated queries after a write are refused, as on a peer")
}

func TestMemoryPrivateDataAndEvents(t *testing.T) {
	m := NewMemory()
	tx := m.Begin(Tx{Transient: map[string][]byte{"sale": []byte("{}")}})
	v, _ := tx.Transient("sale")
	assert.Equal(t, []byte("{}"), v)
	require.NoError(t, tx.PutPrivate("salesR", "k", []byte("secret")))
	require.NoError(t, tx.SetEvent("A", []byte("1")))
	require.NoError(t, tx.SetEvent("B", []byte("2")))
	name, body := tx.Event()
	assert.Equal(t, "B", name)
	assert.Equal(t, []byte("2"), body)
	assert.Equal(t, 2, tx.Stats().Events)
	assert.Equal(t, 1, tx.Stats().PrivateWrites)
	require.NoError(t, tx.Commit())
	assert.Equal(t, []byte("secret"), m.PrivateValue("salesR", "k"))

	p := m.Begin(Tx{})
	require.NoError(t, p.PurgePrivate("salesR", "k"))
	require.NoError(t, p.Commit())
	assert.Nil(t, m.PrivateValue("salesR", "k"))
}
