// Command ingest accepts batches of product-analytics events from customer SDKs,
// appends them to a local write-ahead log and acknowledges; a flusher ships
// sealed WAL segments to S3 for the worker to load.
package main

import (
	"encoding/json"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"
)

type Event struct {
	WorkspaceID string          `json:"workspace_id"`
	Name        string          `json:"event"`
	UserID      string          `json:"user_id"`
	OccurredAt  time.Time       `json:"timestamp"`
	Properties  json.RawMessage `json:"properties"`
}

type wal struct {
	mu sync.Mutex
	f  *os.File
}

func (w *wal) append(events []Event) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	enc := json.NewEncoder(w.f)
	for _, e := range events {
		if err := enc.Encode(e); err != nil {
			return err
		}
	}
	return w.f.Sync()
}

func main() {
	dir := os.Getenv("WAL_DIR")
	if dir == "" {
		dir = "/var/lib/ingest"
	}
	f, err := os.OpenFile(filepath.Join(dir, "current.wal"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		log.Fatalf("open wal: %v", err)
	}
	w := &wal{f: f}

	http.HandleFunc("/healthz", func(rw http.ResponseWriter, _ *http.Request) { rw.WriteHeader(http.StatusNoContent) })
	http.HandleFunc("/v1/batch", func(rw http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(rw, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		var batch []Event
		if err := json.NewDecoder(http.MaxBytesReader(rw, r.Body, 1<<20)).Decode(&batch); err != nil {
			http.Error(rw, "bad batch", http.StatusBadRequest)
			return
		}
		if err := w.append(batch); err != nil {
			http.Error(rw, "unavailable", http.StatusServiceUnavailable)
			return
		}
		rw.WriteHeader(http.StatusAccepted)
	})
	log.Fatal(http.ListenAndServe(":8080", nil))
}
