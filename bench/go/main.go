// Command scepbench times micromdm's Go SCEP library on the operations
// scep_bench times libscep on, with the same keys and certificates (read
// from the folder scep_bench --save-material wrote) and the same method:
// process CPU time, rounds, the median round.
package main

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"github.com/micromdm/scep/v2/scep"
	"go.mozilla.org/pkcs7"
)

// material is one key size's keys and certificates, decoded once: Go
// callers hold parsed objects, not PEM text.
type material struct {
	caKey, clientKey                    *rsa.PrivateKey
	caCert, clientCert, issued, raCert *x509.Certificate
	csr                                 *x509.CertificateRequest
}

// messages are the inputs of the reading operations, made once.
type messages struct {
	pkcsreq, certrep, bundle []byte
}

func readPEM(dir, name string) ([]byte, error) {
	text, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(text)
	if block == nil {
		return nil, fmt.Errorf("%s: no PEM block", name)
	}
	return block.Bytes, nil
}

func readKey(dir, name string) (*rsa.PrivateKey, error) {
	der, err := readPEM(dir, name)
	if err != nil {
		return nil, err
	}
	key, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, err
	}
	rsaKey, ok := key.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%s: not an RSA key", name)
	}
	return rsaKey, nil
}

func readCert(dir, name string) (*x509.Certificate, error) {
	der, err := readPEM(dir, name)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}

func loadMaterial(dir string) (*material, error) {
	var m material
	var err error

	if m.caKey, err = readKey(dir, "ca.key"); err != nil {
		return nil, err
	}
	if m.clientKey, err = readKey(dir, "client.key"); err != nil {
		return nil, err
	}
	for name, cert := range map[string]**x509.Certificate{
		"ca.crt": &m.caCert, "client.crt": &m.clientCert,
		"issued.crt": &m.issued, "ra.crt": &m.raCert,
	} {
		if *cert, err = readCert(dir, name); err != nil {
			return nil, err
		}
	}
	der, err := readPEM(dir, "client.csr")
	if err != nil {
		return nil, err
	}
	m.csr, err = x509.ParseCertificateRequest(der)
	return &m, err
}

// ---- The operations ----------------------------------------------------

func pkcsreq(m *material) ([]byte, error) {
	tmpl := &scep.PKIMessage{
		MessageType: scep.PKCSReq,
		Recipients:  []*x509.Certificate{m.caCert},
		SignerKey:   m.clientKey,
		SignerCert:  m.clientCert,
	}
	msg, err := scep.NewCSRRequest(m.csr, tmpl)
	if err != nil {
		return nil, err
	}
	return msg.Raw, nil
}

func caUnwrap(m *material, req []byte) (*scep.PKIMessage, error) {
	msg, err := scep.ParsePKIMessage(req)
	if err != nil {
		return nil, err
	}
	if err := msg.DecryptPKIEnvelope(m.caCert, m.caKey); err != nil {
		return nil, err
	}
	if msg.CSRReqMessage.CSR == nil {
		return nil, errors.New("no CSR in the request")
	}
	return msg, nil
}

// certrep reads the request as libscep's reply builder does (verifying
// it, not decrypting it again) and signs the SUCCESS reply.
func certrep(m *material, req []byte) ([]byte, error) {
	msg, err := scep.ParsePKIMessage(req)
	if err != nil {
		return nil, err
	}
	msg.CSRReqMessage = &scep.CSRReqMessage{CSR: m.csr}
	reply, err := msg.Success(m.caCert, m.caKey, m.issued)
	if err != nil {
		return nil, err
	}
	return reply.Raw, nil
}

func clientUnwrap(m *material, rep []byte) error {
	msg, err := scep.ParsePKIMessage(rep,
		scep.WithCACerts([]*x509.Certificate{m.caCert}))
	if err != nil {
		return err
	}
	if err := msg.DecryptPKIEnvelope(m.clientCert, m.clientKey); err != nil {
		return err
	}
	if msg.CertRepMessage.Certificate == nil {
		return errors.New("no certificate in the reply")
	}
	return nil
}

func parse(req []byte) error {
	msg, err := scep.ParsePKIMessage(req)
	if err == nil && msg.TransactionID == "" {
		err = errors.New("no transactionID")
	}
	return err
}

func certsOnly(bundle []byte) error {
	certs, err := scep.CACerts(bundle)
	if err == nil && len(certs) != 2 {
		err = fmt.Errorf("%d certificates in the bundle, not 2", len(certs))
	}
	return err
}

func makeMessages(m *material) (*messages, error) {
	var s messages
	var err error

	if s.pkcsreq, err = pkcsreq(m); err != nil {
		return nil, err
	}
	if s.certrep, err = certrep(m, s.pkcsreq); err != nil {
		return nil, err
	}
	s.bundle, err = scep.DegenerateCertificates(
		[]*x509.Certificate{m.caCert, m.raCert})
	return &s, err
}

// ---- Timing ------------------------------------------------------------

func cpuSeconds() float64 {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		panic(err)
	}
	return float64(u.Utime.Sec+u.Stime.Sec) +
		float64(u.Utime.Usec+u.Stime.Usec)/1e6
}

type task struct {
	id   string
	fn   func() error
	n    int
	cost []float64
}

func (t *task) batch(n int) (float64, error) {
	start := cpuSeconds()
	for i := 0; i < n; i++ {
		if err := t.fn(); err != nil {
			return 0, fmt.Errorf("%s: %w", t.id, err)
		}
	}
	return (cpuSeconds() - start) / float64(n), nil
}

// calibrate sizes the batch of a round; getrusage ticks coarsely, so the
// first estimate runs until it has taken a measurable time.
func (t *task) calibrate(target float64) error {
	n := 1
	for {
		start := cpuSeconds()
		if _, err := t.batch(n); err != nil {
			return err
		}
		if took := cpuSeconds() - start; took > 0.05 {
			t.n = int(target/(took/float64(n))) + 1
			return nil
		}
		n *= 2
	}
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func benchKeys(dir string, bits int, seconds float64, rounds int,
	csv bool) error {
	m, err := loadMaterial(filepath.Join(dir, strconv.Itoa(bits)))
	if err != nil {
		return err
	}
	s, err := makeMessages(m)
	if err != nil {
		return err
	}
	tasks := []*task{
		{id: "pkcsreq", fn: func() error { _, e := pkcsreq(m); return e }},
		{id: "ca_unwrap", fn: func() error {
			_, e := caUnwrap(m, s.pkcsreq)
			return e
		}},
		{id: "certrep", fn: func() error {
			_, e := certrep(m, s.pkcsreq)
			return e
		}},
		{id: "client_unwrap", fn: func() error {
			return clientUnwrap(m, s.certrep)
		}},
		{id: "parse", fn: func() error { return parse(s.pkcsreq) }},
		{id: "certs_only", fn: func() error { return certsOnly(s.bundle) }},
	}
	for _, t := range tasks {
		if err := t.calibrate(seconds / float64(rounds)); err != nil {
			return err
		}
	}
	for r := 0; r < rounds; r++ {
		for _, t := range tasks {
			c, err := t.batch(t.n)
			if err != nil {
				return err
			}
			t.cost = append(t.cost, c)
		}
	}
	if !csv {
		fmt.Printf("\nmicromdm/scep, RSA %d\n%-15s %10s %10s\n", bits,
			"operation", "ops/s", "us/op")
	}
	for _, t := range tasks {
		c := median(t.cost)
		if csv {
			fmt.Printf("%d,%s,%.1f,%.2f\n", bits, t.id, 1/c, c*1e6)
		} else {
			fmt.Printf("%-15s %10.1f %10.1f\n", t.id, 1/c, c*1e6)
		}
	}
	return nil
}

func main() {
	dir := flag.String("material", "",
		"folder written by scep_bench --save-material")
	keys := flag.String("keys", "2048,3072", "RSA key sizes")
	seconds := flag.Float64("seconds", 2, "CPU seconds per operation")
	rounds := flag.Int("rounds", 5, "rounds; the median counts")
	csv := flag.Bool("csv", false, "bits,operation,ops_per_sec,us_per_op")
	flag.Parse()
	if *dir == "" || *rounds < 1 || *seconds <= 0 {
		flag.Usage()
		os.Exit(2)
	}

	// libscep's default content cipher, so both do the same work.
	pkcs7.ContentEncryptionAlgorithm = pkcs7.EncryptionAlgorithmAES128CBC
	for _, k := range strings.Split(*keys, ",") {
		bits, err := strconv.Atoi(k)
		if err == nil {
			err = benchKeys(*dir, bits, *seconds, *rounds, *csv)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "scepbench:", err)
			os.Exit(1)
		}
	}
}
