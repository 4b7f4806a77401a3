// SPDX-License-Identifier: GPL-2.0-or-later
//
// webrtc-client: a WebRTC client for portward's tests that reaches the
// sfu stand-in (tests/tools/sfu) one way at a time and says, in one JSON
// line, whether a data channel echo came back and over which candidate pair.
//
// What it imitates of a LiveKit client: it takes the ICE servers the server
// hands out (turn: per node IP, turns:<domain>:443), offers a data channel,
// and with --policy relay-* sets iceTransportPolicy "relay", as LiveKit's
// SDKs do for forced relay. ICE over TCP is active (client dials), as in
// browsers.
//
// --policy all gathers every candidate; udp and tcp only host candidates
// of that protocol; relay-udp and relay-tls only a relay candidate through
// TURN/UDP at the node IP of --family or through turns: at --turn-host.
//
// --allocate ADDR:PORT makes no call: it is a TURN client (pion/turn) that
// asks for an allocation with --user and --pass over TCP, or TLS with
// --tls (SNI --sni, not verified), and says whether it got one: the truth
// next to portward's TURN/TLS verdicts (tests/integration/turn_tls.sh).
//
// What it does not: LiveKit's WebSocket signalling, trickle ICE, media,
// reconnection, ICE restarts. Where pion v3.1.56 (ice v2.3.1) cannot act as
// a browser would, it works around it, and says so:
//   - ice v2.3.1 gathers no active TCP candidates and ignores remote ones;
//     activeTCP below stands in: a TCP "mux" whose connections dial the
//     remote candidate from a fixed local port (RFC 4571 framing), offered
//     to pion as a passive candidate at that address.
//   - relay gathering is IPv4-only (udp4 socket, tcp4 dial, "udp4" lookup
//     of the TURN address, which also breaks on an IPv6 literal); turnNet
//     below opens an IPv6 socket for --family 6 and resolves loosely.
//   - webrtc v3.1.56 exposes neither ice's InsecureSkipVerify nor a CA pool
//     for turns:; the TLS connection is made in our ICE proxy dialer
//     (SettingEngine.SetICEProxyDialer), which dials --turn-host, sends SNI
//     = the turns: host (turn.domain) and verifies against --ca, or skips
//     verification when --ca is not given.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/pion/ice/v2"
	"github.com/pion/logging"
	"github.com/pion/transport/v2"
	"github.com/pion/transport/v2/stdnet"
	"github.com/pion/turn/v2"
	"github.com/pion/webrtc/v3"
)

// allocate: one authenticated TURN allocation over TCP or TLS, or why not.
func allocate(addr, sni, user, pass string, useTLS bool, timeout time.Duration) (string, error) {
	d := net.Dialer{Timeout: timeout}
	var c net.Conn
	var err error
	if useTLS {
		c, err = tls.DialWithDialer(&d, "tcp", addr, &tls.Config{ServerName: sni, InsecureSkipVerify: true})
	} else {
		c, err = d.Dial("tcp", addr)
	}
	if err != nil {
		return "", err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(timeout))
	// pion/turn v2 resolves TURNServerAddr as "udp4" (an IPv6 literal
	// fails); over a connection of our own it only names the peer in
	// transactions, so the connection's remote address, mapped to IPv4
	// form when it is IPv6, serves.
	serv := c.RemoteAddr().String()
	if ta, ok := c.RemoteAddr().(*net.TCPAddr); ok && ta.IP.To4() == nil {
		serv = net.JoinHostPort("127.0.0.1", fmt.Sprint(ta.Port))
	}
	cl, err := turn.NewClient(&turn.ClientConfig{
		TURNServerAddr: serv, Conn: turn.NewSTUNConn(c),
		Username: user, Password: pass, RTO: timeout / 4,
		LoggerFactory: logging.NewDefaultLoggerFactory(),
	})
	if err != nil {
		return "", err
	}
	defer cl.Close()
	if err = cl.Listen(); err != nil {
		return "", err
	}
	relay, err := cl.Allocate()
	if err != nil {
		return "", err
	}
	defer relay.Close()
	return relay.LocalAddr().String(), nil
}

type cand struct {
	Type     string `json:"type"`
	Protocol string `json:"protocol"`
	Family   string `json:"family"`
	Address  string `json:"address"`
	Port     uint16 `json:"port"`
}

type result struct {
	Policy    string `json:"policy"`
	Family    int    `json:"family"`
	Connected bool   `json:"connected"`
	Echo      bool   `json:"echo"`
	Local     *cand  `json:"local"`
	Remote    *cand  `json:"remote"`
	MS        int64  `json:"ms"`
	Error     string `json:"error"`
}

type options struct {
	signal, policy, turnHost, ca string
	family                       int
	timeout                      time.Duration
}

// splitLoose: net.SplitHostPort, and "2001:db8::1:3479" as ice v2.3.1 writes it.
func splitLoose(hp string) (string, string) {
	if h, p, err := net.SplitHostPort(hp); err == nil {
		return h, p
	}
	i := strings.LastIndexByte(hp, ':')
	if i < 0 {
		return hp, ""
	}
	return hp[:i], hp[i+1:]
}

// turnNet is the stack pion's TURN client sees (see the header).
type turnNet struct {
	transport.Net
	family         int
	domain, target string // target: --turn-host, host or host:port
}

func (n *turnNet) ListenPacket(network, addr string) (net.PacketConn, error) {
	if n.family == 6 && network == "udp4" {
		network, addr = "udp6", "[::]:0"
	}
	return n.Net.ListenPacket(network, addr)
}

func (n *turnNet) mapHost(hp string) string {
	h, p := splitLoose(hp)
	if n.target != "" && strings.EqualFold(h, n.domain) {
		if th, tp, err := net.SplitHostPort(n.target); err == nil {
			h, p = th, tp
		} else {
			h = strings.Trim(n.target, "[]")
		}
	}
	return net.JoinHostPort(h, p)
}

func (n *turnNet) ResolveUDPAddr(network, addr string) (*net.UDPAddr, error) {
	if n.family == 6 {
		network = "udp6"
	}
	return n.Net.ResolveUDPAddr(network, n.mapHost(addr))
}

func (n *turnNet) tlsDialer(roots *x509.CertPool, timeout time.Duration) tlsDial {
	return tlsDial{n, roots, timeout}
}

// tlsDial is the ICE proxy dialer: pion hands it "turns:" connections.
type tlsDial struct {
	n       *turnNet
	roots   *x509.CertPool
	timeout time.Duration
}

func (d tlsDial) Dial(_, addr string) (net.Conn, error) {
	sni, _ := splitLoose(addr)
	c, err := net.DialTimeout(fmt.Sprintf("tcp%d", d.n.family), d.n.mapHost(addr), d.timeout)
	if err != nil {
		return nil, err
	}
	tc := tls.Client(c, &tls.Config{ServerName: sni, RootCAs: d.roots, InsecureSkipVerify: d.roots == nil}) //nolint:gosec
	_ = tc.SetDeadline(time.Now().Add(d.timeout))
	if err := tc.Handshake(); err != nil {
		c.Close()
		return nil, err
	}
	_ = tc.SetDeadline(time.Time{})
	return tc, nil
}

// activeTCP: a TCPMux whose conns dial out (see the header).
type activeTCP struct {
	mu    sync.Mutex
	conns []*tcpConn
}

func (m *activeTCP) GetConnByUfrag(_ string, _ bool, local net.IP) (net.PacketConn, error) {
	l, err := net.ListenTCP("tcp", &net.TCPAddr{IP: local})
	if err != nil {
		return nil, err
	}
	addr := l.Addr().(*net.TCPAddr)
	l.Close() // only to pick a free port; connections bind it again
	c := &tcpConn{local: addr, peers: map[string]net.Conn{}, in: make(chan packet, 64), done: make(chan struct{})}
	m.mu.Lock()
	m.conns = append(m.conns, c)
	m.mu.Unlock()
	return c, nil
}

func (m *activeTCP) RemoveConnByUfrag(string) {}

func (m *activeTCP) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, c := range m.conns {
		c.Close()
	}
	return nil
}

type packet struct {
	b    []byte
	from net.Addr
}

type tcpConn struct {
	local *net.TCPAddr
	mu    sync.Mutex
	peers map[string]net.Conn // nil value: dialling
	in    chan packet
	done  chan struct{}
	once  sync.Once
}

func reuseAddr(_, _ string, rc syscall.RawConn) error {
	var serr error
	err := rc.Control(func(fd uintptr) {
		serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1)
	})
	if err != nil {
		return err
	}
	return serr
}

// WriteTo behaves like UDP: while the connection is being made, packets
// are lost and ICE retransmits.
func (c *tcpConn) WriteTo(b []byte, to net.Addr) (int, error) {
	c.mu.Lock()
	conn, known := c.peers[to.String()]
	if !known {
		c.peers[to.String()] = nil
		go c.dial(to)
	}
	c.mu.Unlock()
	if conn == nil {
		return len(b), nil
	}
	buf := make([]byte, 2+len(b))
	binary.BigEndian.PutUint16(buf, uint16(len(b)))
	copy(buf[2:], b)
	if _, err := conn.Write(buf); err != nil {
		return 0, err
	}
	return len(b), nil
}

func (c *tcpConn) dial(to net.Addr) {
	d := net.Dialer{LocalAddr: c.local, Control: reuseAddr, Timeout: 5 * time.Second}
	conn, err := d.Dial("tcp", to.String())
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		delete(c.peers, to.String()) // the next write tries again
		return
	}
	c.peers[to.String()] = conn
	go func() {
		defer conn.Close()
		var hdr [2]byte
		for {
			if _, err := io.ReadFull(conn, hdr[:]); err != nil {
				return
			}
			b := make([]byte, binary.BigEndian.Uint16(hdr[:]))
			if _, err := io.ReadFull(conn, b); err != nil {
				return
			}
			select {
			case c.in <- packet{b, to}:
			case <-c.done:
				return
			}
		}
	}()
}

func (c *tcpConn) ReadFrom(b []byte) (int, net.Addr, error) {
	select {
	case p := <-c.in:
		return copy(b, p.b), p.from, nil
	case <-c.done:
		return 0, nil, io.EOF
	}
}

func (c *tcpConn) Close() error {
	c.once.Do(func() {
		close(c.done)
		c.mu.Lock()
		for _, conn := range c.peers {
			if conn != nil {
				conn.Close()
			}
		}
		c.mu.Unlock()
	})
	return nil
}

func (c *tcpConn) LocalAddr() net.Addr              { return c.local }
func (c *tcpConn) SetDeadline(time.Time) error      { return nil }
func (c *tcpConn) SetReadDeadline(time.Time) error  { return nil }
func (c *tcpConn) SetWriteDeadline(time.Time) error { return nil }

// keepURLs: what --policy leaves of the server's list. all: everything;
// udp, tcp: nothing (host candidates of that protocol only); relay-udp: the
// turn: URL of --family; relay-tls: the turns: URL.
func keepURLs(urls []string, policy string, family int) []string {
	var out []string
	for _, u := range urls {
		turns := strings.HasPrefix(u, "turns:")
		switch policy {
		case "udp", "tcp":
			continue // host candidates of that protocol only
		case "relay-udp":
			if turns {
				continue
			}
			h, _ := splitLoose(strings.SplitN(strings.TrimPrefix(u, "turn:"), "?", 2)[0])
			if (net.ParseIP(h).To4() != nil) != (family == 4) {
				continue
			}
		case "relay-tls":
			if !turns {
				continue
			}
		}
		out = append(out, u)
	}
	return out
}

func candOf(c *webrtc.ICECandidate) *cand {
	fam := "ipv6"
	if ip := net.ParseIP(c.Address); ip != nil && ip.To4() != nil {
		fam = "ipv4"
	}
	return &cand{c.Typ.String(), c.Protocol.String(), fam, c.Address, c.Port}
}

func postJSON(ctx context.Context, url string, in, out interface{}) error {
	var body io.Reader
	method := http.MethodGet
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body, method = strings.NewReader(string(b)), http.MethodPost
	}
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("%s: %s: %s", url, resp.Status, strings.TrimSpace(string(b)))
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

func run(ctx context.Context, o options, res *result) error {
	var servers struct {
		ICEServers []struct {
			URLs       []string `json:"urls"`
			Username   string   `json:"username"`
			Credential string   `json:"credential"`
		} `json:"ice_servers"`
	}
	if err := postJSON(ctx, o.signal+"/ice-servers", nil, &servers); err != nil {
		return err
	}
	relay := strings.HasPrefix(o.policy, "relay-")
	conf := webrtc.Configuration{}
	var domain string
	for _, s := range servers.ICEServers {
		urls := keepURLs(s.URLs, o.policy, o.family)
		for _, u := range urls {
			if strings.HasPrefix(u, "turns:") {
				domain, _ = splitLoose(strings.SplitN(strings.TrimPrefix(u, "turns:"), "?", 2)[0])
			}
		}
		if len(urls) > 0 {
			conf.ICEServers = append(conf.ICEServers, webrtc.ICEServer{URLs: urls, Username: s.Username, Credential: s.Credential})
		}
	}
	if relay {
		if len(conf.ICEServers) == 0 {
			return fmt.Errorf("no %s ICE server offered", o.policy)
		}
		conf.ICETransportPolicy = webrtc.ICETransportPolicyRelay
	}

	var se webrtc.SettingEngine
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	udp, tcp := webrtc.NetworkTypeUDP4, webrtc.NetworkTypeTCP4
	if o.family == 6 {
		udp, tcp = webrtc.NetworkTypeUDP6, webrtc.NetworkTypeTCP6
	}
	switch o.policy {
	case "udp":
		se.SetNetworkTypes([]webrtc.NetworkType{udp})
	case "tcp":
		se.SetNetworkTypes([]webrtc.NetworkType{tcp})
	default:
		se.SetNetworkTypes([]webrtc.NetworkType{udp, tcp})
	}
	mux := &activeTCP{}
	defer mux.Close()
	se.SetICETCPMux(mux)
	base, err := stdnet.NewNet()
	if err != nil {
		return err
	}
	tn := &turnNet{Net: base, family: o.family, domain: domain, target: o.turnHost}
	se.SetNet(tn)
	var roots *x509.CertPool
	if o.ca != "" {
		pem, err := os.ReadFile(o.ca)
		if err != nil {
			return err
		}
		roots = x509.NewCertPool()
		if !roots.AppendCertsFromPEM(pem) {
			return fmt.Errorf("%s: no certificate", o.ca)
		}
	}
	se.SetICEProxyDialer(tn.tlsDialer(roots, o.timeout))
	lf := logging.NewDefaultLoggerFactory()
	lf.Writer = os.Stderr
	se.LoggerFactory = lf

	pc, err := webrtc.NewAPI(webrtc.WithSettingEngine(se)).NewPeerConnection(conf)
	if err != nil {
		return err
	}
	defer func() { // a TURN allocation that hangs must not hold the exit
		closed := make(chan struct{})
		go func() { _ = pc.Close(); close(closed) }()
		select {
		case <-closed:
		case <-time.After(time.Second):
		}
	}()
	connected := make(chan struct{})
	var once sync.Once
	pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		if s == webrtc.PeerConnectionStateConnected {
			once.Do(func() { close(connected) })
		}
	})
	dc, err := pc.CreateDataChannel("portward", nil)
	if err != nil {
		return err
	}
	echo := make(chan struct{}, 1)
	dc.OnOpen(func() { _ = dc.SendText("portward-ping") })
	dc.OnMessage(func(m webrtc.DataChannelMessage) {
		if string(m.Data) == "portward-ping" {
			select {
			case echo <- struct{}{}:
			default:
			}
		}
	})
	offer, err := pc.CreateOffer(nil)
	if err != nil {
		return err
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(offer); err != nil {
		return err
	}
	select {
	case <-gathered:
	case <-ctx.Done():
		return errors.New("timed out gathering candidates")
	}
	if relay && !strings.Contains(pc.LocalDescription().SDP, " typ relay") {
		return errors.New("no relay candidate: the TURN allocation failed")
	}
	var answer webrtc.SessionDescription
	if err := postJSON(ctx, o.signal+"/offer", pc.LocalDescription(), &answer); err != nil {
		return err
	}
	if err := pc.SetRemoteDescription(answer); err != nil {
		return err
	}
	select {
	case <-connected:
		res.Connected = true
	case <-ctx.Done():
		return fmt.Errorf("not connected (ICE %s)", pc.ICEConnectionState())
	}
	if pair, err := pc.SCTP().Transport().ICETransport().GetSelectedCandidatePair(); err == nil && pair != nil {
		res.Local, res.Remote = candOf(pair.Local), candOf(pair.Remote)
	}
	select {
	case <-echo:
		res.Echo = true
		return nil
	case <-ctx.Done():
		return errors.New("no echo on the data channel")
	}
}

func main() {
	var o options
	flag.StringVar(&o.signal, "signal", "http://127.0.0.1:7880", "the sfu's signal URL")
	flag.StringVar(&o.policy, "policy", "all", "all|udp|tcp|relay-udp|relay-tls")
	flag.IntVar(&o.family, "family", 4, "4 or 6")
	flag.DurationVar(&o.timeout, "timeout", 10*time.Second, "give up after this long")
	flag.StringVar(&o.turnHost, "turn-host", "", "dial ADDR (or ADDR:PORT, a test aid) for the turns: host; SNI stays turn.domain")
	flag.StringVar(&o.ca, "ca", "", "PEM file to verify the TURN/TLS certificate (none: not verified)")
	alloc := flag.String("allocate", "", "ADDR:PORT: only ask a TURN server for an allocation")
	sni := flag.String("sni", "", "with --allocate --tls: the server name sent")
	user := flag.String("user", "", "with --allocate: TURN user name")
	pass := flag.String("pass", "", "with --allocate: TURN password")
	useTLS := flag.Bool("tls", false, "with --allocate: TURN over TLS")
	flag.Parse()
	if *alloc != "" {
		relay, err := allocate(*alloc, *sni, *user, *pass, *useTLS, o.timeout)
		out := map[string]interface{}{"allocate": *alloc, "ok": err == nil, "relay": relay}
		if err != nil {
			out["error"] = err.Error()
		}
		line, _ := json.Marshal(out)
		fmt.Println(string(line))
		if err != nil {
			os.Exit(1)
		}
		return
	}
	res := result{Policy: o.policy, Family: o.family}
	start := time.Now()
	var err error
	switch {
	case o.family != 4 && o.family != 6:
		err = fmt.Errorf("--family: 4 or 6, not %d", o.family)
	case !map[string]bool{"all": true, "udp": true, "tcp": true, "relay-udp": true, "relay-tls": true}[o.policy]:
		err = fmt.Errorf("--policy: all|udp|tcp|relay-udp|relay-tls, not %q", o.policy)
	default:
		ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
		err = run(ctx, o, &res)
		cancel()
	}
	res.MS = time.Since(start).Milliseconds()
	if err != nil {
		res.Error = err.Error()
	}
	line, _ := json.Marshal(res)
	fmt.Println(string(line))
	if !res.Echo {
		os.Exit(1)
	}
}
