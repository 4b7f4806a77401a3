// SPDX-License-Identifier: GPL-2.0-or-later
//
// sfu: a LiveKit stand-in for portward's tests, built from Debian's pion
// (webrtc v3.1.56, ice v2.3.1, turn v2.1.0) because livekit-server itself
// is not packaged.
//
// What it imitates of LiveKit (v1.13.5; v1.10.0 where --version-mode says):
//   - livekit.yaml keys port, rtc.{tcp_port,udp_port,port_range_start,
//     port_range_end,node_ip}, turn.{enabled,udp_port,tls_port,external_tls,
//     domain,cert_file,key_file,bind_addresses,relay_range_start,
//     relay_range_end,allow_restricted_peer_cidrs,deny_peer_cidrs} with
//     LiveKit's defaults (7880, 7881, 50000-60000, bind 0.0.0.0, relay
//     30000-40000);
//   - sockets as mediatransportutil NewWebRTCConfig opens them: ICE/TCP one
//     net.ListenTCP("tcp", {Port}) (dual-stack) behind a TCP mux; ICE/UDP
//     udp_port: one ListenUDP("udp", {IP, Port}) per local address
//     (CreateUDPMuxesFromPorts), or an ephemeral port range; node IPs as
//     NAT 1:1 host candidates; mDNS off; udp4/udp6 (+tcp4/tcp6) networks;
//   - TURN as pkg/service/turn.go: realm "livekit", one relay generator per
//     bind address relaying at the node IP of that address's family,
//     "udp"/"tcp" listeners (current) or udp4/tcp4 on 0.0.0.0 with node IPv4
//     only (1.10.0), TLS from cert_file/key_file or plain TCP when
//     external_tls; LiveKit's v1.12+ permission handler (current mode);
//   - ICE servers as RoomManager.iceServersForParticipant builds them.
//
// What it does not imitate: rooms, tracks, keys/JWT, the protobuf/WebSocket
// signalling (replaced by GET /ice-servers and POST /offer, non-trickle),
// TURN credentials derived from API keys (one user and a random password
// per process), use_external_ip/STUN discovery, rtc.ips/interfaces
// filters, use_stun_port_as_ice, dev mode, strict YAML, and LiveKit's
// per-participant choice of one port of a udp_port range (pion ice v2.3.1
// offers every listen address of a mux, so each port opened is a
// candidate; like LiveKit it opens at most one port per CPU). It adds one
// rule LiveKit lacks: TURN only relays to the SFU's own addresses, the
// only peer a LiveKit TURN client has.
package main

import (
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/pion/ice/v2"
	"github.com/pion/turn/v2"
	"github.com/pion/webrtc/v3"
	"gopkg.in/yaml.v3"
)

const realm = "livekit"

type portRange struct{ Start, End int }

// UnmarshalYAML accepts 7882 or "7882" or "50000-50100", as LiveKit's PortRange.
func (p *portRange) UnmarshalYAML(n *yaml.Node) error {
	a, b, isRange := strings.Cut(n.Value, "-")
	var err error
	if p.Start, err = strconv.Atoi(strings.TrimSpace(a)); err != nil {
		return fmt.Errorf("udp_port %q: %v", n.Value, err)
	}
	p.End = p.Start
	if isRange {
		if p.End, err = strconv.Atoi(strings.TrimSpace(b)); err != nil || p.End < p.Start {
			return fmt.Errorf("udp_port %q: bad range", n.Value)
		}
	}
	return nil
}

type config struct {
	Port int `yaml:"port"`
	RTC  struct {
		TCPPort        int       `yaml:"tcp_port"`
		UDPPort        portRange `yaml:"udp_port"`
		PortRangeStart int       `yaml:"port_range_start"`
		PortRangeEnd   int       `yaml:"port_range_end"`
		NodeIP         string    `yaml:"node_ip"`
	} `yaml:"rtc"`
	TURN struct {
		Enabled         bool     `yaml:"enabled"`
		UDPPort         int      `yaml:"udp_port"`
		TLSPort         int      `yaml:"tls_port"`
		ExternalTLS     bool     `yaml:"external_tls"`
		Domain          string   `yaml:"domain"`
		CertFile        string   `yaml:"cert_file"`
		KeyFile         string   `yaml:"key_file"`
		BindAddresses   []string `yaml:"bind_addresses"`
		RelayStart      uint16   `yaml:"relay_range_start"`
		RelayEnd        uint16   `yaml:"relay_range_end"`
		AllowRestricted []string `yaml:"allow_restricted_peer_cidrs"`
		DenyPeers       []string `yaml:"deny_peer_cidrs"`
	} `yaml:"turn"`
}

func loadConfig(file string) (*config, error) {
	c := &config{Port: 7880}
	c.RTC.TCPPort = 7881
	c.TURN.BindAddresses = []string{"0.0.0.0"}
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		if err := yaml.Unmarshal(b, c); err != nil {
			return nil, fmt.Errorf("could not parse config: %v", err)
		}
	}
	if c.RTC.UDPPort.Start == 0 && c.RTC.PortRangeStart == 0 {
		c.RTC.PortRangeStart, c.RTC.PortRangeEnd = 50000, 60000
	}
	if c.TURN.RelayStart == 0 || c.TURN.RelayEnd == 0 {
		c.TURN.RelayStart, c.TURN.RelayEnd = 30000, 40000
	}
	return c, nil
}

// nodeIPs splits "v4" or "v4,v6" (either order) by family.
func nodeIPs(s string) (v4, v6 string, err error) {
	for _, f := range strings.Split(s, ",") {
		ip := net.ParseIP(strings.TrimSpace(f))
		switch {
		case ip == nil:
			return "", "", fmt.Errorf("node_ip %q: not an IP address", f)
		case ip.To4() != nil:
			v4 = ip.String()
		default:
			v6 = ip.String()
		}
	}
	return v4, v6, nil
}

// localIPs: the addresses pion would gather on, loopback and link-local left out.
func localIPs() ([]net.IP, error) {
	addrs, err := net.InterfaceAddrs()
	var ips []net.IP
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && !n.IP.IsLinkLocalUnicast() {
			ips = append(ips, n.IP)
		}
	}
	return ips, err
}

type sfu struct {
	cfg        *config
	api        *webrtc.API
	user, pass string
	v4, v6     string
	mu         sync.Mutex
	pcs        []*webrtc.PeerConnection
}

// settingEngine opens the ICE sockets and describes them to pion.
func (s *sfu) settingEngine(closers *[]func() error) (webrtc.SettingEngine, error) {
	var se webrtc.SettingEngine
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	nets := []webrtc.NetworkType{webrtc.NetworkTypeUDP4, webrtc.NetworkTypeUDP6}
	rtc := s.cfg.RTC
	if rtc.PortRangeStart != 0 && rtc.PortRangeEnd != 0 {
		if err := se.SetEphemeralUDPPortRange(uint16(rtc.PortRangeStart), uint16(rtc.PortRangeEnd)); err != nil {
			return se, err
		}
	} else {
		ips, err := localIPs()
		if err != nil {
			return se, err
		}
		// Like NewWebRTCConfig: at most one port per CPU of a udp_port range.
		last := rtc.UDPPort.Start + runtime.NumCPU() - 1
		if last > rtc.UDPPort.End {
			last = rtc.UDPPort.End
		}
		var muxes []ice.UDPMux
		for _, ip := range ips {
			for port := rtc.UDPPort.Start; port <= last; port++ {
				c, err := net.ListenUDP("udp", &net.UDPAddr{IP: ip, Port: port})
				if err != nil {
					return se, err
				}
				*closers = append(*closers, c.Close)
				muxes = append(muxes, ice.NewUDPMuxDefault(ice.UDPMuxParams{UDPConn: c}))
			}
		}
		se.SetICEUDPMux(ice.NewMultiUDPMuxDefault(muxes...))
	}
	if rtc.TCPPort != 0 {
		nets = append(nets, webrtc.NetworkTypeTCP4, webrtc.NetworkTypeTCP6)
		l, err := net.ListenTCP("tcp", &net.TCPAddr{Port: rtc.TCPPort})
		if err != nil {
			return se, err
		}
		*closers = append(*closers, l.Close)
		se.SetICETCPMux(ice.NewTCPMuxDefault(ice.TCPMuxParams{Listener: l, ReadBufferSize: 50}))
	}
	se.SetNetworkTypes(nets)
	var nat []string
	for _, ip := range []string{s.v4, s.v6} {
		if ip != "" {
			nat = append(nat, ip)
		}
	}
	se.SetNAT1To1IPs(nat, webrtc.ICECandidateTypeHost)
	return se, nil
}

// permitted: LiveKit's v1.12+ rule (restricted ranges only when allowed,
// then the deny list), and the peer must be this host.
func (s *sfu) permitted(own map[string]bool, current bool) turn.PermissionHandler {
	in := func(cidrs []string, ip net.IP) bool {
		for _, c := range cidrs {
			if _, n, err := net.ParseCIDR(c); err == nil && n.Contains(ip) {
				return true
			}
		}
		return false
	}
	return func(_ net.Addr, peer net.IP) bool {
		if !own[peer.String()] {
			return false
		}
		if !current {
			return true
		}
		restricted := peer.IsLoopback() || peer.IsLinkLocalUnicast() || peer.IsLinkLocalMulticast() ||
			peer.IsMulticast() || peer.IsPrivate() || peer.IsUnspecified()
		if restricted && !in(s.cfg.TURN.AllowRestricted, peer) {
			return false
		}
		return !in(s.cfg.TURN.DenyPeers, peer)
	}
}

// startTURN follows NewTurnServer: current mode per bind address with Go's
// "udp"/"tcp" (a wildcard is dual-stack), 1.10.0 udp4/tcp4 on 0.0.0.0.
func (s *sfu) startTURN(current bool) (*turn.Server, error) {
	t := s.cfg.TURN
	if t.TLSPort <= 0 && t.UDPPort <= 0 {
		return nil, fmt.Errorf("invalid TURN ports")
	}
	if t.TLSPort > 0 && t.Domain == "" {
		return nil, fmt.Errorf("TURN domain required")
	}
	binds, udpNet, tcpNet := t.BindAddresses, "udp", "tcp"
	if !current {
		if s.v4 == "" {
			return nil, fmt.Errorf("invalid node IPv4 for relay")
		}
		binds, udpNet, tcpNet = []string{"0.0.0.0"}, "udp4", "tcp4"
	}
	own := map[string]bool{s.v4: true, s.v6: true}
	ips, _ := localIPs()
	for _, ip := range ips {
		own[ip.String()] = true
	}
	sc := turn.ServerConfig{Realm: realm, AuthHandler: func(u, r string, _ net.Addr) ([]byte, bool) {
		return turn.GenerateAuthKey(s.user, realm, s.pass), u == s.user
	}}
	for _, addr := range binds {
		node := s.v6
		if net.ParseIP(addr).To4() != nil {
			node = s.v4
		}
		if node == "" {
			return nil, fmt.Errorf("no matching node IP for relay")
		}
		gen := &turn.RelayAddressGeneratorPortRange{RelayAddress: net.ParseIP(node), Address: addr,
			MinPort: t.RelayStart, MaxPort: t.RelayEnd, MaxRetries: 50}
		perm := s.permitted(own, current)
		if t.TLSPort > 0 {
			hp := net.JoinHostPort(addr, strconv.Itoa(t.TLSPort))
			var l net.Listener
			var err error
			if t.ExternalTLS {
				l, err = net.Listen(tcpNet, hp)
			} else {
				cert, cerr := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
				if cerr != nil {
					return nil, fmt.Errorf("TURN tls cert required: %v", cerr)
				}
				l, err = tls.Listen(tcpNet, hp, &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}})
			}
			if err != nil {
				return nil, fmt.Errorf("could not listen on TURN TCP port: %v", err)
			}
			sc.ListenerConfigs = append(sc.ListenerConfigs, turn.ListenerConfig{Listener: l, RelayAddressGenerator: gen, PermissionHandler: perm})
		}
		if t.UDPPort > 0 {
			c, err := net.ListenPacket(udpNet, net.JoinHostPort(addr, strconv.Itoa(t.UDPPort)))
			if err != nil {
				return nil, fmt.Errorf("could not listen on TURN UDP port: %v", err)
			}
			sc.PacketConnConfigs = append(sc.PacketConnConfigs, turn.PacketConnConfig{PacketConn: c, RelayAddressGenerator: gen, PermissionHandler: perm})
		}
	}
	return turn.NewServer(sc)
}

type iceServer struct {
	URLs       []string `json:"urls"`
	Username   string   `json:"username,omitempty"`
	Credential string   `json:"credential,omitempty"`
}

// iceServers as iceServersForParticipant (tlsOnly false, no rtc.turn_servers).
func (s *sfu) iceServers() []iceServer {
	t := s.cfg.TURN
	var urls []string
	if t.Enabled && t.UDPPort > 0 {
		for _, ip := range []string{s.v4, s.v6} {
			if ip != "" {
				urls = append(urls, fmt.Sprintf("turn:%s?transport=udp", net.JoinHostPort(ip, strconv.Itoa(t.UDPPort))))
			}
		}
	}
	if t.Enabled && t.TLSPort > 0 {
		urls = append(urls, fmt.Sprintf("turns:%s:443?transport=tcp", t.Domain))
	}
	if len(urls) == 0 {
		return []iceServer{}
	}
	return []iceServer{{URLs: urls, Username: s.user, Credential: s.pass}}
}

func (s *sfu) offer(w http.ResponseWriter, r *http.Request) {
	var off webrtc.SessionDescription
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&off); err != nil || off.Type != webrtc.SDPTypeOffer {
		http.Error(w, "want {\"type\":\"offer\",\"sdp\":...}", http.StatusBadRequest)
		return
	}
	pc, err := s.api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	s.mu.Lock()
	s.pcs = append(s.pcs, pc)
	s.mu.Unlock()
	pc.OnDataChannel(func(dc *webrtc.DataChannel) {
		dc.OnMessage(func(m webrtc.DataChannelMessage) {
			if m.IsString {
				_ = dc.SendText(string(m.Data))
			} else {
				_ = dc.Send(m.Data)
			}
		})
	})
	pc.OnConnectionStateChange(func(st webrtc.PeerConnectionState) {
		log.Printf("peer %p: %s", pc, st)
		if st == webrtc.PeerConnectionStateFailed {
			_ = pc.Close()
		}
	})
	gathered := webrtc.GatheringCompletePromise(pc)
	err = pc.SetRemoteDescription(off)
	var ans webrtc.SessionDescription
	if err == nil {
		ans, err = pc.CreateAnswer(nil)
	}
	if err == nil {
		err = pc.SetLocalDescription(ans)
	}
	if err != nil {
		_ = pc.Close()
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	<-gathered
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(pc.LocalDescription())
}

func main() {
	cfgFile := flag.String("config", "", "livekit.yaml")
	mode := flag.String("version-mode", "current", "TURN binding as LiveKit 1.10.0 or current (1.10.1+)")
	nodeIP := flag.String("node-ip", "", "overrides rtc.node_ip (v4 or v4,v6)")
	flag.Parse()
	log.SetPrefix("sfu: ")
	if *mode != "current" && *mode != "1.10.0" {
		log.Fatalf("--version-mode: 1.10.0 or current, not %q", *mode)
	}
	cfg, err := loadConfig(*cfgFile)
	if err != nil {
		log.Fatal(err)
	}
	if *nodeIP != "" {
		cfg.RTC.NodeIP = *nodeIP
	}
	s := &sfu{cfg: cfg, user: "portward"}
	if cfg.RTC.NodeIP == "" {
		// LiveKit would ask STUN; a test host has its own address.
		ips, _ := localIPs()
		for _, ip := range ips {
			if cfg.RTC.NodeIP == "" || ip.To4() != nil && net.ParseIP(cfg.RTC.NodeIP).To4() == nil {
				cfg.RTC.NodeIP = ip.String()
			}
		}
	}
	if cfg.RTC.NodeIP == "" {
		log.Fatal("no node IP: set rtc.node_ip or --node-ip")
	}
	if s.v4, s.v6, err = nodeIPs(cfg.RTC.NodeIP); err != nil {
		log.Fatal(err)
	}
	var pw [12]byte
	if _, err := rand.Read(pw[:]); err != nil {
		log.Fatal(err)
	}
	s.pass = hex.EncodeToString(pw[:])

	var closers []func() error
	se, err := s.settingEngine(&closers)
	if err != nil {
		log.Fatal(err)
	}
	s.api = webrtc.NewAPI(webrtc.WithSettingEngine(se))
	if cfg.TURN.Enabled {
		ts, err := s.startTURN(*mode == "current")
		if err != nil {
			log.Fatal(err)
		}
		closers = append(closers, ts.Close)
	}
	hl, err := net.Listen("tcp", net.JoinHostPort("", strconv.Itoa(cfg.Port)))
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/ice-servers", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string][]iceServer{"ice_servers": s.iceServers()})
	})
	mux.HandleFunc("/offer", s.offer)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(hl) }()
	fmt.Println("listening")

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	<-sig
	_ = srv.Close()
	s.mu.Lock()
	for _, pc := range s.pcs {
		_ = pc.Close()
	}
	s.mu.Unlock()
	for _, c := range closers {
		_ = c()
	}
}
