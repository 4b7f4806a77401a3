/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * lk_keys.c: every YAML key path that LiveKit server v1.13.5 accepts in
 * its config file when parsing strictly (the default; off only with
 * --disable-strict-config).  The parser is gopkg.in/yaml.v3 v3.0.1,
 * yaml.NewDecoder(...).KnownFields(true).Decode(&conf) with conf a
 * config.Config (livekit/livekit pkg/config/config.go, NewConfig()).
 *
 * Sources (Go module -> repository at the revision pinned by LiveKit's
 * go.mod at tag v1.13.5):
 *   github.com/livekit/livekit-server: livekit/livekit
 * 	tag v1.13.5, commit 3b9f118327b257301083a7c4aa46076c8012918a
 *   github.com/livekit/protocol: livekit/protocol
 * 	v1.50.5-0.20260728075222-28e604c046c6,
 * 	commit 28e604c046c6aec29757cabed341b86458cc40f9
 *   github.com/livekit/mediatransportutil: livekit/mediatransportutil
 * 	v0.0.0-20260608063931-a3417d38cda0.  Commit a3417d38cda0 was NOT
 * 	available; rtcconfig.RTCConfig was reconstructed from master
 * 	77f742a4bb32a3a4fcfe951f5d5e4a5dadb8312b (2026-04-29) plus the
 * 	six fields added by PR #88 (skip_external_ip_validation,
 * 	advertise_internal_ip, merged 2026-05-29) and PR #89 (the four
 * 	*_acceptance_min_wait, the change a3417d38cda0 was pinned for),
 * 	as spelled in a later stored revision (0548817a4949), leaving out
 * 	require_ipv4 (PR #93, 2026-07-27) and additional_host_ips
 * 	(PR #95, 2026-08-14), which came after the pin.
 *   github.com/livekit/psrpc v0.7.2: not needed; rpc.PSRPCConfig holds
 * 	only scalars.
 *
 * Kinds: LK_SCALAR  leaf (types with their own UnmarshalYAML included);
 *        LK_MAP     struct, children at "path.child";
 *        LK_ANYMAP  map, any keys, values not described further;
 *        LK_MAPOF   map, any keys, struct values at "path.*.child";
 *        LK_LIST    sequence of scalars;
 *        LK_LISTOF  sequence of structs, children at "path[].child";
 *        LK_ANY     anything (interface{}; none at v1.13.5).
 *
 * Structs read (Go package.Type, file in its module, and the
 * key path where it is first used; +N = used N more times):
 *
 *   config.Config
 *	livekit/livekit: pkg/config/config.go
 *	-> (top level)
 *   config.PrometheusConfig
 *	livekit/livekit: pkg/config/config.go
 *	-> prometheus
 *   config.DebugHandlerConfig
 *	livekit/livekit: pkg/config/config.go
 *	-> debug_handler
 *   config.RTCConfig
 *	livekit/livekit: pkg/config/config.go
 *	-> rtc
 *   rtcconfig.RTCConfig
 *	livekit/mediatransportutil: pkg/rtcconfig/config.go
 *	-> rtc
 *   rtcconfig.InterfacesConfig
 *	livekit/mediatransportutil: pkg/rtcconfig/config.go
 *	-> rtc.interfaces
 *   rtcconfig.IPsConfig
 *	livekit/mediatransportutil: pkg/rtcconfig/config.go
 *	-> rtc.ips
 *   rtcconfig.BatchIOConfig
 *	livekit/mediatransportutil: pkg/rtcconfig/config.go
 *	-> rtc.batch_io
 *   config.TURNServer
 *	livekit/livekit: pkg/config/config.go
 *	-> rtc.turn_servers[]
 *   sfu.PLIThrottleConfig
 *	livekit/livekit: pkg/sfu/receiver_base.go
 *	-> rtc.pli_throttle
 *   config.CongestionControlConfig
 *	livekit/livekit: pkg/config/config.go
 *	-> rtc.congestion_control
 *   streamallocator.StreamAllocatorConfig
 *	livekit/livekit: pkg/sfu/streamallocator/streamallocator.go
 *	-> rtc.congestion_control.stream_allocator
 *   remotebwe.RemoteBWEConfig
 *	livekit/livekit: pkg/sfu/bwe/remotebwe/remote_bwe.go
 *	-> rtc.congestion_control.remote_bwe
 *   remotebwe.ChannelObserverConfig
 *	livekit/livekit: pkg/sfu/bwe/remotebwe/channel_observer.go
 *	-> rtc.congestion_control.remote_bwe.channel_observer_probe (+1)
 *   ccutils.TrendDetectorConfig
 *	livekit/livekit: pkg/sfu/ccutils/trenddetector.go
 *	-> rtc.congestion_control.remote_bwe.channel_observer_probe.estimate (+2)
 *   remotebwe.NackTrackerConfig
 *	livekit/livekit: pkg/sfu/bwe/remotebwe/nack_tracker.go
 *	-> rtc.congestion_control.remote_bwe.channel_observer_probe.nack (+1)
 *   remotebwe.ProbeControllerConfig
 *	livekit/livekit: pkg/sfu/bwe/remotebwe/probe_controller.go
 *	-> rtc.congestion_control.remote_bwe.probe_controller
 *   ccutils.ProbeRegulatorConfig
 *	livekit/livekit: pkg/sfu/ccutils/probe_regulator.go
 *	-> rtc.congestion_control.remote_bwe.probe_controller.probe_regulator (+1)
 *   sendsidebwe.SendSideBWEConfig
 *	livekit/livekit: pkg/sfu/bwe/sendsidebwe/send_side_bwe.go
 *	-> rtc.congestion_control.send_side_bwe
 *   sendsidebwe.CongestionDetectorConfig
 *	livekit/livekit: pkg/sfu/bwe/sendsidebwe/congestion_detector.go
 *	-> rtc.congestion_control.send_side_bwe.congestion_detector
 *   sendsidebwe.PacketGroupConfig
 *	livekit/livekit: pkg/sfu/bwe/sendsidebwe/packet_group.go
 *	-> rtc.congestion_control.send_side_bwe.congestion_detector.packet_group (+2)
 *   sendsidebwe.ProbePacketGroupConfig
 *	livekit/livekit: pkg/sfu/bwe/sendsidebwe/probe_packet_group.go
 *	-> rtc.congestion_control.send_side_bwe.congestion_detector.probe_packet_group
 *   sendsidebwe.ProbeSignalConfig
 *	livekit/livekit: pkg/sfu/bwe/sendsidebwe/congestion_detector.go
 *	-> rtc.congestion_control.send_side_bwe.congestion_detector.probe_signal
 *   sendsidebwe.WeightedLossConfig
 *	livekit/livekit: pkg/sfu/bwe/sendsidebwe/traffic_stats.go
 *	-> rtc.congestion_control.send_side_bwe.congestion_detector.probe_signal.weighted_loss (+1)
 *   sendsidebwe.CongestionSignalConfig
 *	livekit/livekit: pkg/sfu/bwe/sendsidebwe/congestion_detector.go
 *	-> rtc.congestion_control.send_side_bwe.congestion_detector.queuing_delay_early_warning_jqr (+7)
 *   config.ForwardStatsConfig
 *	livekit/livekit: pkg/config/config.go
 *	-> rtc.forward_stats
 *   redis.RedisConfig
 *	livekit/protocol: redis/redis.go
 *	-> redis
 *   xtls.Config
 *	livekit/protocol: xtls/tls.go
 *	-> redis.tls
 *   sfu.AudioConfig
 *	livekit/livekit: pkg/sfu/receiver_base.go
 *	-> audio
 *   audio.AudioLevelConfig
 *	livekit/livekit: pkg/sfu/audio/audiolevel.go
 *	-> audio
 *   config.VideoConfig
 *	livekit/livekit: pkg/config/config.go
 *	-> video
 *   sfu.StreamTrackerManagerConfig
 *	livekit/livekit: pkg/sfu/streamtrackermanager.go
 *	-> video.stream_tracker_manager
 *   sfu.StreamTrackerConfig
 *	livekit/livekit: pkg/sfu/streamtrackermanager.go
 *	-> video.stream_tracker_manager.video (+1)
 *   streamtracker.StreamTrackerPacketConfig
 *	livekit/livekit: pkg/sfu/streamtracker/streamtracker_packet.go
 *	-> video.stream_tracker_manager.video.packet_tracker.* (+1)
 *   streamtracker.StreamTrackerFrameConfig
 *	livekit/livekit: pkg/sfu/streamtracker/streamtracker_frame.go
 *	-> video.stream_tracker_manager.video.frame_tracker.* (+1)
 *   config.RoomConfig
 *	livekit/livekit: pkg/config/config.go
 *	-> room
 *   config.CodecSpec
 *	livekit/livekit: pkg/config/config.go
 *	-> room.enabled_codecs[]
 *   config.PlayoutDelayConfig
 *	livekit/livekit: pkg/config/config.go
 *	-> room.playout_delay
 *   config.TURNConfig
 *	livekit/livekit: pkg/config/config.go
 *	-> turn
 *   config.IngressConfig
 *	livekit/livekit: pkg/config/config.go
 *	-> ingress
 *   config.SIPConfig
 *	livekit/livekit: pkg/config/config.go
 *	-> sip
 *   webhook.WebHookConfig
 *	livekit/protocol: webhook/notifier.go
 *	-> webhook
 *   webhook.URLNotifierConfig
 *	livekit/protocol: webhook/url_notifier.go
 *	-> webhook.url_notifier
 *   webhook.ResourceURLNotifierConfig
 *	livekit/protocol: webhook/resource_url_notifier.go
 *	-> webhook.resource_url_notifier
 *   webhook.FilterParams
 *	livekit/protocol: webhook/notifier.go
 *	-> webhook.filter_params
 *   config.NodeSelectorConfig
 *	livekit/livekit: pkg/config/config.go
 *	-> node_selector
 *   config.RegionConfig
 *	livekit/livekit: pkg/config/config.go
 *	-> node_selector.regions[]
 *   config.SignalRelayConfig
 *	livekit/livekit: pkg/config/config.go
 *	-> signal_relay
 *   rpc.PSRPCConfig
 *	livekit/protocol: rpc/typed_api.go
 *	-> psrpc
 *   config.LoggingConfig
 *	livekit/livekit: pkg/config/config.go
 *	-> logging
 *   logger.Config
 *	livekit/protocol: logger/config.go
 *	-> logging
 *   config.LimitConfig
 *	livekit/livekit: pkg/config/config.go
 *	-> limit
 *   agent.Config
 *	livekit/livekit: pkg/agent/config.go
 *	-> agents
 *   metric.MetricConfig
 *	livekit/livekit: pkg/metric/metric_config.go
 *	-> metric
 *   metric.MetricTimestamperConfig
 *	livekit/livekit: pkg/metric/metric_timestamper.go
 *	-> metric.timestamper_config
 *   metric.MetricsCollectorConfig
 *	livekit/livekit: pkg/metric/metrics_collector.go
 *	-> metric.collector
 *   metric.MetricsReporterConfig
 *	livekit/livekit: pkg/metric/metrics_reporter.go
 *	-> metric.reporter
 *   config.TracingConfig
 *	livekit/livekit: pkg/config/config.go
 *	-> trace
 *   config.NodeStatsConfig
 *	livekit/livekit: pkg/config/config.go
 *	-> node_stats
 *   config.APIConfig
 *	livekit/livekit: pkg/config/config.go
 *	-> api
 *
 * Each entry's comment names the Go struct declaring the key
 * and the field's Go type.  This file is generated by
 * gen_lk_keys.py; edit that, not this.
 */

#include <stddef.h>
#include <string.h>

#include "lk_keys.h"

/* Sorted by strcmp(3) order of path; lk_key_find() relies on it. */
static const struct lk_key lk_keys[] = {
	{ "agents", LK_MAP },	/* config.Config: agent.Config */
	{ "agents.enable_user_data_recording", LK_BOOL },	/* agent.Config: bool */
	{ "agents.enable_user_data_redaction", LK_BOOL },	/* agent.Config: bool */
	{ "agents.target_load", LK_SCALAR },	/* agent.Config: float32 */
	{ "api", LK_MAP },	/* config.Config: APIConfig */
	{ "api.check_interval", LK_SCALAR },	/* config.APIConfig: time.Duration */
	{ "api.enable_psrpc_for_get_list_participants", LK_BOOL },	/* config.APIConfig: bool */
	{ "api.execution_timeout", LK_SCALAR },	/* config.APIConfig: time.Duration */
	{ "api.max_check_interval", LK_SCALAR },	/* config.APIConfig: time.Duration */
	{ "audio", LK_MAP },	/* config.Config: sfu.AudioConfig */
	{ "audio.active_level", LK_SCALAR },	/* audio.AudioLevelConfig: uint8 */
	{ "audio.active_red_encoding", LK_BOOL },	/* sfu.AudioConfig: bool */
	{ "audio.enable_loss_proxying", LK_BOOL },	/* sfu.AudioConfig: bool */
	{ "audio.min_percentile", LK_SCALAR },	/* audio.AudioLevelConfig: uint8 */
	{ "audio.smooth_intervals", LK_SCALAR },	/* audio.AudioLevelConfig: uint32 */
	{ "audio.update_interval", LK_SCALAR },	/* audio.AudioLevelConfig: uint32 */
	{ "bind_addresses", LK_LIST },	/* config.Config: []string */
	{ "debug_handler", LK_MAP },	/* config.Config: DebugHandlerConfig */
	{ "debug_handler.port", LK_SCALAR },	/* config.DebugHandlerConfig: uint32 */
	{ "development", LK_BOOL },	/* config.Config: bool */
	{ "enable_data_tracks", LK_BOOL },	/* config.Config: bool */
	{ "enable_participant_data_blob", LK_BOOL },	/* config.Config: bool */
	{ "ingress", LK_MAP },	/* config.Config: IngressConfig */
	{ "ingress.rtmp_base_url", LK_SCALAR },	/* config.IngressConfig: string */
	{ "ingress.whip_base_url", LK_SCALAR },	/* config.IngressConfig: string */
	{ "key_file", LK_SCALAR },	/* config.Config: string */
	{ "keys", LK_ANYMAP },	/* config.Config: map[string]string */
	{ "limit", LK_MAP },	/* config.Config: LimitConfig */
	{ "limit.bytes_per_sec", LK_SCALAR },	/* config.LimitConfig: float32 */
	{ "limit.max_attributes_size", LK_SCALAR },	/* config.LimitConfig: uint32 */
	{ "limit.max_data_blob_key_length", LK_SCALAR },	/* config.LimitConfig: int */
	{ "limit.max_data_blobs_size", LK_SCALAR },	/* config.LimitConfig: uint32 */
	{ "limit.max_data_track_custom_encoding_length", LK_SCALAR },	/* config.LimitConfig: int */
	{ "limit.max_metadata_size", LK_SCALAR },	/* config.LimitConfig: uint32 */
	{ "limit.max_participant_identity_length", LK_SCALAR },	/* config.LimitConfig: int */
	{ "limit.max_participant_name_length", LK_SCALAR },	/* config.LimitConfig: int */
	{ "limit.max_room_name_length", LK_SCALAR },	/* config.LimitConfig: int */
	{ "limit.num_tracks", LK_SCALAR },	/* config.LimitConfig: int32 */
	{ "limit.subscription_limit_audio", LK_SCALAR },	/* config.LimitConfig: int32 */
	{ "limit.subscription_limit_video", LK_SCALAR },	/* config.LimitConfig: int32 */
	{ "log_level", LK_SCALAR },	/* config.Config: string */
	{ "logging", LK_MAP },	/* config.Config: LoggingConfig */
	{ "logging.component_levels", LK_ANYMAP },	/* logger.Config: map[string]string */
	{ "logging.item_sample_initial", LK_SCALAR },	/* logger.Config: int */
	{ "logging.item_sample_interval", LK_SCALAR },	/* logger.Config: int */
	{ "logging.item_sample_seconds", LK_SCALAR },	/* logger.Config: int */
	{ "logging.json", LK_BOOL },	/* logger.Config: bool */
	{ "logging.level", LK_SCALAR },	/* logger.Config: string */
	{ "logging.pion_level", LK_SCALAR },	/* config.LoggingConfig: string */
	{ "logging.sample", LK_BOOL },	/* logger.Config: bool */
	{ "logging.sample_initial", LK_SCALAR },	/* logger.Config: int */
	{ "logging.sample_interval", LK_SCALAR },	/* logger.Config: int */
	{ "metric", LK_MAP },	/* config.Config: metric.MetricConfig */
	{ "metric.collector", LK_MAP },	/* metric.MetricConfig: MetricsCollectorConfig */
	{ "metric.collector.batch_interval_ms", LK_SCALAR },	/* metric.MetricsCollectorConfig: uint32 */
	{ "metric.collector.sampling_interval_ms", LK_SCALAR },	/* metric.MetricsCollectorConfig: uint32 */
	{ "metric.reporter", LK_MAP },	/* metric.MetricConfig: MetricsReporterConfig */
	{ "metric.reporter.reporting_interval_ms", LK_SCALAR },	/* metric.MetricsReporterConfig: uint32 */
	{ "metric.timestamper_config", LK_MAP },	/* metric.MetricConfig: MetricTimestamperConfig */
	{ "metric.timestamper_config.one_way_delay_estimator_max_batch", LK_SCALAR },	/* metric.MetricTimestamperConfig: int */
	{ "metric.timestamper_config.one_way_delay_estimator_min_interval", LK_SCALAR },	/* metric.MetricTimestamperConfig: time.Duration */
	{ "node_selector", LK_MAP },	/* config.Config: NodeSelectorConfig */
	{ "node_selector.algorithm", LK_SCALAR },	/* config.NodeSelectorConfig: string */
	{ "node_selector.cpu_load_limit", LK_SCALAR },	/* config.NodeSelectorConfig: float32 */
	{ "node_selector.kind", LK_SCALAR },	/* config.NodeSelectorConfig: string */
	{ "node_selector.regions", LK_LISTOF },	/* config.NodeSelectorConfig: []RegionConfig */
	{ "node_selector.regions[].lat", LK_SCALAR },	/* config.RegionConfig: float64 */
	{ "node_selector.regions[].lon", LK_SCALAR },	/* config.RegionConfig: float64 */
	{ "node_selector.regions[].name", LK_SCALAR },	/* config.RegionConfig: string */
	{ "node_selector.sort_by", LK_SCALAR },	/* config.NodeSelectorConfig: string */
	{ "node_selector.sysload_limit", LK_SCALAR },	/* config.NodeSelectorConfig: float32 */
	{ "node_stats", LK_MAP },	/* config.Config: NodeStatsConfig */
	{ "node_stats.stats_max_delay", LK_SCALAR },	/* config.NodeStatsConfig: time.Duration */
	{ "node_stats.stats_rate_measurement_intervals", LK_LIST },	/* config.NodeStatsConfig: []time.Duration */
	{ "node_stats.stats_update_interval", LK_SCALAR },	/* config.NodeStatsConfig: time.Duration */
	{ "port", LK_SCALAR },	/* config.Config: uint32 */
	{ "prometheus", LK_MAP },	/* config.Config: PrometheusConfig */
	{ "prometheus.password", LK_SCALAR },	/* config.PrometheusConfig: string */
	{ "prometheus.port", LK_SCALAR },	/* config.PrometheusConfig: uint32 */
	{ "prometheus.username", LK_SCALAR },	/* config.PrometheusConfig: string */
	{ "prometheus_port", LK_SCALAR },	/* config.Config: uint32 */
	{ "psrpc", LK_MAP },	/* config.Config: rpc.PSRPCConfig */
	{ "psrpc.backoff", LK_SCALAR },	/* rpc.PSRPCConfig: time.Duration */
	{ "psrpc.buffer_size", LK_SCALAR },	/* rpc.PSRPCConfig: int */
	{ "psrpc.max_attempts", LK_SCALAR },	/* rpc.PSRPCConfig: int */
	{ "psrpc.timeout", LK_SCALAR },	/* rpc.PSRPCConfig: time.Duration */
	{ "redis", LK_MAP },	/* config.Config: redisLiveKit.RedisConfig */
	{ "redis.address", LK_SCALAR },	/* redis.RedisConfig: string */
	{ "redis.cluster_addresses", LK_LIST },	/* redis.RedisConfig: []string */
	{ "redis.db", LK_SCALAR },	/* redis.RedisConfig: int */
	{ "redis.dial_timeout", LK_SCALAR },	/* redis.RedisConfig: int */
	{ "redis.max_redirects", LK_SCALAR },	/* redis.RedisConfig: *int */
	{ "redis.password", LK_SCALAR },	/* redis.RedisConfig: string */
	{ "redis.pool_size", LK_SCALAR },	/* redis.RedisConfig: int */
	{ "redis.pool_timeout", LK_SCALAR },	/* redis.RedisConfig: time.Duration */
	{ "redis.read_timeout", LK_SCALAR },	/* redis.RedisConfig: int */
	{ "redis.sentinel_addresses", LK_LIST },	/* redis.RedisConfig: []string */
	{ "redis.sentinel_master_name", LK_SCALAR },	/* redis.RedisConfig: string */
	{ "redis.sentinel_password", LK_SCALAR },	/* redis.RedisConfig: string */
	{ "redis.sentinel_username", LK_SCALAR },	/* redis.RedisConfig: string */
	{ "redis.tls", LK_MAP },	/* redis.RedisConfig: *xtls.Config */
	{ "redis.tls.ca_cert_file", LK_SCALAR },	/* xtls.Config: string */
	{ "redis.tls.client_cert_file", LK_SCALAR },	/* xtls.Config: string */
	{ "redis.tls.client_key_file", LK_SCALAR },	/* xtls.Config: string */
	{ "redis.tls.enabled", LK_BOOL },	/* xtls.Config: bool */
	{ "redis.tls.insecure", LK_BOOL },	/* xtls.Config: bool */
	{ "redis.tls.server_name", LK_SCALAR },	/* xtls.Config: string */
	{ "redis.use_tls", LK_BOOL },	/* redis.RedisConfig: bool */
	{ "redis.username", LK_SCALAR },	/* redis.RedisConfig: string */
	{ "redis.write_timeout", LK_SCALAR },	/* redis.RedisConfig: int */
	{ "region", LK_SCALAR },	/* config.Config: string */
	{ "room", LK_MAP },	/* config.Config: RoomConfig */
	{ "room.auto_create", LK_BOOL },	/* config.RoomConfig: bool */
	{ "room.create_room_attempts", LK_SCALAR },	/* config.RoomConfig: int */
	{ "room.create_room_timeout", LK_SCALAR },	/* config.RoomConfig: time.Duration */
	{ "room.departure_timeout", LK_SCALAR },	/* config.RoomConfig: uint32 */
	{ "room.empty_timeout", LK_SCALAR },	/* config.RoomConfig: uint32 */
	{ "room.enable_remote_unmute", LK_BOOL },	/* config.RoomConfig: bool */
	{ "room.enabled_codecs", LK_LISTOF },	/* config.RoomConfig: []CodecSpec */
	{ "room.enabled_codecs[].fmtp_line", LK_SCALAR },	/* config.CodecSpec: string */
	{ "room.enabled_codecs[].mime", LK_SCALAR },	/* config.CodecSpec: string */
	{ "room.max_metadata_size", LK_SCALAR },	/* config.RoomConfig: uint32 */
	{ "room.max_participant_identity_length", LK_SCALAR },	/* config.RoomConfig: int */
	{ "room.max_participants", LK_SCALAR },	/* config.RoomConfig: uint32 */
	{ "room.max_room_name_length", LK_SCALAR },	/* config.RoomConfig: int */
	{ "room.playout_delay", LK_MAP },	/* config.RoomConfig: PlayoutDelayConfig */
	{ "room.playout_delay.enabled", LK_BOOL },	/* config.PlayoutDelayConfig: bool */
	{ "room.playout_delay.max", LK_SCALAR },	/* config.PlayoutDelayConfig: int */
	{ "room.playout_delay.min", LK_SCALAR },	/* config.PlayoutDelayConfig: int */
	{ "room.room_configurations", LK_ANYMAP },	/* config.RoomConfig: map[string]*livekit.RoomConfiguration [values: UnmarshalYAML] */
	{ "room.sync_streams", LK_BOOL },	/* config.RoomConfig: bool */
	{ "room.update_batch_target_size", LK_SCALAR },	/* config.RoomConfig: int */
	{ "rtc", LK_MAP },	/* config.Config: RTCConfig */
	{ "rtc.advertise_internal_ip", LK_BOOL },	/* rtcconfig.RTCConfig: bool */
	{ "rtc.allow_tcp_fallback", LK_BOOL },	/* config.RTCConfig: *bool */
	{ "rtc.allow_udp_unstable_fallback", LK_BOOL },	/* config.RTCConfig: bool */
	{ "rtc.batch_io", LK_MAP },	/* rtcconfig.RTCConfig: BatchIOConfig */
	{ "rtc.batch_io.batch_size", LK_SCALAR },	/* rtcconfig.BatchIOConfig: int */
	{ "rtc.batch_io.max_flush_interval", LK_SCALAR },	/* rtcconfig.BatchIOConfig: time.Duration */
	{ "rtc.congestion_control", LK_MAP },	/* config.RTCConfig: CongestionControlConfig */
	{ "rtc.congestion_control.allow_pause", LK_BOOL },	/* config.CongestionControlConfig: bool */
	{ "rtc.congestion_control.enabled", LK_BOOL },	/* config.CongestionControlConfig: bool */
	{ "rtc.congestion_control.remote_bwe", LK_MAP },	/* config.CongestionControlConfig: remotebwe.RemoteBWEConfig */
	{ "rtc.congestion_control.remote_bwe.channel_observer_non_probe", LK_MAP },	/* remotebwe.RemoteBWEConfig: ChannelObserverConfig */
	{ "rtc.congestion_control.remote_bwe.channel_observer_non_probe.estimate", LK_MAP },	/* remotebwe.ChannelObserverConfig: ccutils.TrendDetectorConfig */
	{ "rtc.congestion_control.remote_bwe.channel_observer_non_probe.estimate.collapse_threshold", LK_SCALAR },	/* ccutils.TrendDetectorConfig: time.Duration */
	{ "rtc.congestion_control.remote_bwe.channel_observer_non_probe.estimate.downward_trend_max_wait", LK_SCALAR },	/* ccutils.TrendDetectorConfig: time.Duration */
	{ "rtc.congestion_control.remote_bwe.channel_observer_non_probe.estimate.downward_trend_threshold", LK_SCALAR },	/* ccutils.TrendDetectorConfig: float64 */
	{ "rtc.congestion_control.remote_bwe.channel_observer_non_probe.estimate.required_samples", LK_SCALAR },	/* ccutils.TrendDetectorConfig: int */
	{ "rtc.congestion_control.remote_bwe.channel_observer_non_probe.estimate.required_samples_min", LK_SCALAR },	/* ccutils.TrendDetectorConfig: int */
	{ "rtc.congestion_control.remote_bwe.channel_observer_non_probe.estimate.validity_window", LK_SCALAR },	/* ccutils.TrendDetectorConfig: time.Duration */
	{ "rtc.congestion_control.remote_bwe.channel_observer_non_probe.nack", LK_MAP },	/* remotebwe.ChannelObserverConfig: NackTrackerConfig */
	{ "rtc.congestion_control.remote_bwe.channel_observer_non_probe.nack.ratio_threshold", LK_SCALAR },	/* remotebwe.NackTrackerConfig: float64 */
	{ "rtc.congestion_control.remote_bwe.channel_observer_non_probe.nack.window_max_duration", LK_SCALAR },	/* remotebwe.NackTrackerConfig: time.Duration */
	{ "rtc.congestion_control.remote_bwe.channel_observer_non_probe.nack.window_min_duration", LK_SCALAR },	/* remotebwe.NackTrackerConfig: time.Duration */
	{ "rtc.congestion_control.remote_bwe.channel_observer_probe", LK_MAP },	/* remotebwe.RemoteBWEConfig: ChannelObserverConfig */
	{ "rtc.congestion_control.remote_bwe.channel_observer_probe.estimate", LK_MAP },	/* remotebwe.ChannelObserverConfig: ccutils.TrendDetectorConfig */
	{ "rtc.congestion_control.remote_bwe.channel_observer_probe.estimate.collapse_threshold", LK_SCALAR },	/* ccutils.TrendDetectorConfig: time.Duration */
	{ "rtc.congestion_control.remote_bwe.channel_observer_probe.estimate.downward_trend_max_wait", LK_SCALAR },	/* ccutils.TrendDetectorConfig: time.Duration */
	{ "rtc.congestion_control.remote_bwe.channel_observer_probe.estimate.downward_trend_threshold", LK_SCALAR },	/* ccutils.TrendDetectorConfig: float64 */
	{ "rtc.congestion_control.remote_bwe.channel_observer_probe.estimate.required_samples", LK_SCALAR },	/* ccutils.TrendDetectorConfig: int */
	{ "rtc.congestion_control.remote_bwe.channel_observer_probe.estimate.required_samples_min", LK_SCALAR },	/* ccutils.TrendDetectorConfig: int */
	{ "rtc.congestion_control.remote_bwe.channel_observer_probe.estimate.validity_window", LK_SCALAR },	/* ccutils.TrendDetectorConfig: time.Duration */
	{ "rtc.congestion_control.remote_bwe.channel_observer_probe.nack", LK_MAP },	/* remotebwe.ChannelObserverConfig: NackTrackerConfig */
	{ "rtc.congestion_control.remote_bwe.channel_observer_probe.nack.ratio_threshold", LK_SCALAR },	/* remotebwe.NackTrackerConfig: float64 */
	{ "rtc.congestion_control.remote_bwe.channel_observer_probe.nack.window_max_duration", LK_SCALAR },	/* remotebwe.NackTrackerConfig: time.Duration */
	{ "rtc.congestion_control.remote_bwe.channel_observer_probe.nack.window_min_duration", LK_SCALAR },	/* remotebwe.NackTrackerConfig: time.Duration */
	{ "rtc.congestion_control.remote_bwe.expected_usage_threshold", LK_SCALAR },	/* remotebwe.RemoteBWEConfig: float64 */
	{ "rtc.congestion_control.remote_bwe.nack_ratio_attenuator", LK_SCALAR },	/* remotebwe.RemoteBWEConfig: float64 */
	{ "rtc.congestion_control.remote_bwe.probe_controller", LK_MAP },	/* remotebwe.RemoteBWEConfig: ProbeControllerConfig */
	{ "rtc.congestion_control.remote_bwe.probe_controller.probe_regulator", LK_MAP },	/* remotebwe.ProbeControllerConfig: ccutils.ProbeRegulatorConfig */
	{ "rtc.congestion_control.remote_bwe.probe_controller.probe_regulator.backoff_factor", LK_SCALAR },	/* ccutils.ProbeRegulatorConfig: float64 */
	{ "rtc.congestion_control.remote_bwe.probe_controller.probe_regulator.base_interval", LK_SCALAR },	/* ccutils.ProbeRegulatorConfig: time.Duration */
	{ "rtc.congestion_control.remote_bwe.probe_controller.probe_regulator.duration_increase_factor", LK_SCALAR },	/* ccutils.ProbeRegulatorConfig: float64 */
	{ "rtc.congestion_control.remote_bwe.probe_controller.probe_regulator.max_duration", LK_SCALAR },	/* ccutils.ProbeRegulatorConfig: time.Duration */
	{ "rtc.congestion_control.remote_bwe.probe_controller.probe_regulator.max_interval", LK_SCALAR },	/* ccutils.ProbeRegulatorConfig: time.Duration */
	{ "rtc.congestion_control.remote_bwe.probe_controller.probe_regulator.min_duration", LK_SCALAR },	/* ccutils.ProbeRegulatorConfig: time.Duration */
	{ "rtc.congestion_control.remote_bwe.probe_controller.settle_wait_max", LK_SCALAR },	/* remotebwe.ProbeControllerConfig: time.Duration */
	{ "rtc.congestion_control.remote_bwe.probe_controller.settle_wait_min", LK_SCALAR },	/* remotebwe.ProbeControllerConfig: time.Duration */
	{ "rtc.congestion_control.remote_bwe.probe_controller.settle_wait_num_rtt", LK_SCALAR },	/* remotebwe.ProbeControllerConfig: uint32 */
	{ "rtc.congestion_control.send_side_bwe", LK_MAP },	/* config.CongestionControlConfig: sendsidebwe.SendSideBWEConfig */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector", LK_MAP },	/* sendsidebwe.SendSideBWEConfig: CongestionDetectorConfig */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.congested_ctr_epsilon", LK_SCALAR },	/* sendsidebwe.CongestionDetectorConfig: float64 */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.congested_ctr_trend", LK_MAP },	/* sendsidebwe.CongestionDetectorConfig: ccutils.TrendDetectorConfig */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.congested_ctr_trend.collapse_threshold", LK_SCALAR },	/* ccutils.TrendDetectorConfig: time.Duration */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.congested_ctr_trend.downward_trend_max_wait", LK_SCALAR },	/* ccutils.TrendDetectorConfig: time.Duration */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.congested_ctr_trend.downward_trend_threshold", LK_SCALAR },	/* ccutils.TrendDetectorConfig: float64 */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.congested_ctr_trend.required_samples", LK_SCALAR },	/* ccutils.TrendDetectorConfig: int */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.congested_ctr_trend.required_samples_min", LK_SCALAR },	/* ccutils.TrendDetectorConfig: int */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.congested_ctr_trend.validity_window", LK_SCALAR },	/* ccutils.TrendDetectorConfig: time.Duration */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.congested_packet_group", LK_MAP },	/* sendsidebwe.CongestionDetectorConfig: PacketGroupConfig */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.congested_packet_group.max_window_duration", LK_SCALAR },	/* sendsidebwe.PacketGroupConfig: time.Duration */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.congested_packet_group.min_packets", LK_SCALAR },	/* sendsidebwe.PacketGroupConfig: int */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.dqr_max_delay", LK_SCALAR },	/* sendsidebwe.CongestionDetectorConfig: time.Duration */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.dqr_max_weighted_loss", LK_SCALAR },	/* sendsidebwe.CongestionDetectorConfig: float64 */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.estimaton_window_duration", LK_SCALAR },	/* sendsidebwe.CongestionDetectorConfig: time.Duration */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.jqr_min_delay", LK_SCALAR },	/* sendsidebwe.CongestionDetectorConfig: time.Duration */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.jqr_min_trend_coefficient", LK_SCALAR },	/* sendsidebwe.CongestionDetectorConfig: float64 */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.jqr_min_weighted_loss", LK_SCALAR },	/* sendsidebwe.CongestionDetectorConfig: float64 */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.loss_congested_dqr", LK_MAP },	/* sendsidebwe.CongestionDetectorConfig: CongestionSignalConfig */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.loss_congested_dqr.min_duration", LK_SCALAR },	/* sendsidebwe.CongestionSignalConfig: time.Duration */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.loss_congested_dqr.min_number_of_groups", LK_SCALAR },	/* sendsidebwe.CongestionSignalConfig: int */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.loss_congested_jqr", LK_MAP },	/* sendsidebwe.CongestionDetectorConfig: CongestionSignalConfig */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.loss_congested_jqr.min_duration", LK_SCALAR },	/* sendsidebwe.CongestionSignalConfig: time.Duration */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.loss_congested_jqr.min_number_of_groups", LK_SCALAR },	/* sendsidebwe.CongestionSignalConfig: int */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.loss_early_warning_dqr", LK_MAP },	/* sendsidebwe.CongestionDetectorConfig: CongestionSignalConfig */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.loss_early_warning_dqr.min_duration", LK_SCALAR },	/* sendsidebwe.CongestionSignalConfig: time.Duration */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.loss_early_warning_dqr.min_number_of_groups", LK_SCALAR },	/* sendsidebwe.CongestionSignalConfig: int */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.loss_early_warning_jqr", LK_MAP },	/* sendsidebwe.CongestionDetectorConfig: CongestionSignalConfig */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.loss_early_warning_jqr.min_duration", LK_SCALAR },	/* sendsidebwe.CongestionSignalConfig: time.Duration */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.loss_early_warning_jqr.min_number_of_groups", LK_SCALAR },	/* sendsidebwe.CongestionSignalConfig: int */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.packet_group", LK_MAP },	/* sendsidebwe.CongestionDetectorConfig: PacketGroupConfig */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.packet_group.max_window_duration", LK_SCALAR },	/* sendsidebwe.PacketGroupConfig: time.Duration */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.packet_group.min_packets", LK_SCALAR },	/* sendsidebwe.PacketGroupConfig: int */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.packet_group_max_age", LK_SCALAR },	/* sendsidebwe.CongestionDetectorConfig: time.Duration */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.probe_packet_group", LK_MAP },	/* sendsidebwe.CongestionDetectorConfig: ProbePacketGroupConfig */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.probe_packet_group.packet_group", LK_MAP },	/* sendsidebwe.ProbePacketGroupConfig: PacketGroupConfig */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.probe_packet_group.packet_group.max_window_duration", LK_SCALAR },	/* sendsidebwe.PacketGroupConfig: time.Duration */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.probe_packet_group.packet_group.min_packets", LK_SCALAR },	/* sendsidebwe.PacketGroupConfig: int */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.probe_packet_group.settle_wait_max", LK_SCALAR },	/* sendsidebwe.ProbePacketGroupConfig: time.Duration */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.probe_packet_group.settle_wait_min", LK_SCALAR },	/* sendsidebwe.ProbePacketGroupConfig: time.Duration */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.probe_packet_group.settle_wait_num_rtt", LK_SCALAR },	/* sendsidebwe.ProbePacketGroupConfig: uint32 */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.probe_regulator", LK_MAP },	/* sendsidebwe.CongestionDetectorConfig: ccutils.ProbeRegulatorConfig */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.probe_regulator.backoff_factor", LK_SCALAR },	/* ccutils.ProbeRegulatorConfig: float64 */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.probe_regulator.base_interval", LK_SCALAR },	/* ccutils.ProbeRegulatorConfig: time.Duration */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.probe_regulator.duration_increase_factor", LK_SCALAR },	/* ccutils.ProbeRegulatorConfig: float64 */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.probe_regulator.max_duration", LK_SCALAR },	/* ccutils.ProbeRegulatorConfig: time.Duration */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.probe_regulator.max_interval", LK_SCALAR },	/* ccutils.ProbeRegulatorConfig: time.Duration */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.probe_regulator.min_duration", LK_SCALAR },	/* ccutils.ProbeRegulatorConfig: time.Duration */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.probe_signal", LK_MAP },	/* sendsidebwe.CongestionDetectorConfig: ProbeSignalConfig */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.probe_signal.dqr_max_delay", LK_SCALAR },	/* sendsidebwe.ProbeSignalConfig: time.Duration */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.probe_signal.dqr_max_weighted_loss", LK_SCALAR },	/* sendsidebwe.ProbeSignalConfig: float64 */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.probe_signal.jqr_min_delay", LK_SCALAR },	/* sendsidebwe.ProbeSignalConfig: time.Duration */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.probe_signal.jqr_min_weighted_loss", LK_SCALAR },	/* sendsidebwe.ProbeSignalConfig: float64 */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.probe_signal.min_bytes_ratio", LK_SCALAR },	/* sendsidebwe.ProbeSignalConfig: float64 */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.probe_signal.min_duration_ratio", LK_SCALAR },	/* sendsidebwe.ProbeSignalConfig: float64 */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.probe_signal.weighted_loss", LK_MAP },	/* sendsidebwe.ProbeSignalConfig: WeightedLossConfig */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.probe_signal.weighted_loss.base_duration", LK_SCALAR },	/* sendsidebwe.WeightedLossConfig: time.Duration */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.probe_signal.weighted_loss.base_pps", LK_SCALAR },	/* sendsidebwe.WeightedLossConfig: int */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.probe_signal.weighted_loss.loss_penalty_factor", LK_SCALAR },	/* sendsidebwe.WeightedLossConfig: float64 */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.probe_signal.weighted_loss.min_duration_for_loss_validity", LK_SCALAR },	/* sendsidebwe.WeightedLossConfig: time.Duration */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.queuing_delay_congested_dqr", LK_MAP },	/* sendsidebwe.CongestionDetectorConfig: CongestionSignalConfig */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.queuing_delay_congested_dqr.min_duration", LK_SCALAR },	/* sendsidebwe.CongestionSignalConfig: time.Duration */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.queuing_delay_congested_dqr.min_number_of_groups", LK_SCALAR },	/* sendsidebwe.CongestionSignalConfig: int */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.queuing_delay_congested_jqr", LK_MAP },	/* sendsidebwe.CongestionDetectorConfig: CongestionSignalConfig */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.queuing_delay_congested_jqr.min_duration", LK_SCALAR },	/* sendsidebwe.CongestionSignalConfig: time.Duration */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.queuing_delay_congested_jqr.min_number_of_groups", LK_SCALAR },	/* sendsidebwe.CongestionSignalConfig: int */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.queuing_delay_early_warning_dqr", LK_MAP },	/* sendsidebwe.CongestionDetectorConfig: CongestionSignalConfig */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.queuing_delay_early_warning_dqr.min_duration", LK_SCALAR },	/* sendsidebwe.CongestionSignalConfig: time.Duration */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.queuing_delay_early_warning_dqr.min_number_of_groups", LK_SCALAR },	/* sendsidebwe.CongestionSignalConfig: int */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.queuing_delay_early_warning_jqr", LK_MAP },	/* sendsidebwe.CongestionDetectorConfig: CongestionSignalConfig */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.queuing_delay_early_warning_jqr.min_duration", LK_SCALAR },	/* sendsidebwe.CongestionSignalConfig: time.Duration */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.queuing_delay_early_warning_jqr.min_number_of_groups", LK_SCALAR },	/* sendsidebwe.CongestionSignalConfig: int */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.weighted_loss", LK_MAP },	/* sendsidebwe.CongestionDetectorConfig: WeightedLossConfig */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.weighted_loss.base_duration", LK_SCALAR },	/* sendsidebwe.WeightedLossConfig: time.Duration */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.weighted_loss.base_pps", LK_SCALAR },	/* sendsidebwe.WeightedLossConfig: int */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.weighted_loss.loss_penalty_factor", LK_SCALAR },	/* sendsidebwe.WeightedLossConfig: float64 */
	{ "rtc.congestion_control.send_side_bwe.congestion_detector.weighted_loss.min_duration_for_loss_validity", LK_SCALAR },	/* sendsidebwe.WeightedLossConfig: time.Duration */
	{ "rtc.congestion_control.send_side_bwe_pacer", LK_SCALAR },	/* config.CongestionControlConfig: string */
	{ "rtc.congestion_control.stream_allocator", LK_MAP },	/* config.CongestionControlConfig: streamallocator.StreamAllocatorConfig */
	{ "rtc.congestion_control.stream_allocator.disable_etimation_unmanaged_tracks", LK_BOOL },	/* streamallocator.StreamAllocatorConfig: bool */
	{ "rtc.congestion_control.stream_allocator.min_channel_capacity", LK_SCALAR },	/* streamallocator.StreamAllocatorConfig: int64 */
	{ "rtc.congestion_control.stream_allocator.paused_min_wait", LK_SCALAR },	/* streamallocator.StreamAllocatorConfig: time.Duration */
	{ "rtc.congestion_control.stream_allocator.probe_min_bps", LK_SCALAR },	/* streamallocator.StreamAllocatorConfig: int64 */
	{ "rtc.congestion_control.stream_allocator.probe_mode", LK_SCALAR },	/* streamallocator.StreamAllocatorConfig: ProbeMode */
	{ "rtc.congestion_control.stream_allocator.probe_overage_pct", LK_SCALAR },	/* streamallocator.StreamAllocatorConfig: int64 */
	{ "rtc.congestion_control.use_send_side_bwe", LK_BOOL },	/* config.CongestionControlConfig: bool */
	{ "rtc.congestion_control.use_send_side_bwe_interceptor", LK_BOOL },	/* config.CongestionControlConfig: bool */
	{ "rtc.data_channel_max_buffered_amount", LK_SCALAR },	/* config.RTCConfig: uint64 */
	{ "rtc.datachannel_data_track_target_latency", LK_SCALAR },	/* config.RTCConfig: time.Duration */
	{ "rtc.datachannel_lossy_target_latency", LK_SCALAR },	/* config.RTCConfig: time.Duration */
	{ "rtc.datachannel_slow_threshold", LK_SCALAR },	/* config.RTCConfig: int */
	{ "rtc.enable_loopback_candidate", LK_BOOL },	/* rtcconfig.RTCConfig: bool */
	{ "rtc.enable_rtp_stream_restart_detection", LK_BOOL },	/* config.RTCConfig: bool */
	{ "rtc.external_ip_only", LK_BOOL },	/* rtcconfig.RTCConfig: bool */
	{ "rtc.force_tcp", LK_BOOL },	/* rtcconfig.RTCConfig: bool */
	{ "rtc.forward_stats", LK_MAP },	/* config.RTCConfig: ForwardStatsConfig */
	{ "rtc.forward_stats.report_interval", LK_SCALAR },	/* config.ForwardStatsConfig: time.Duration */
	{ "rtc.forward_stats.report_window", LK_SCALAR },	/* config.ForwardStatsConfig: time.Duration */
	{ "rtc.forward_stats.summary_interval", LK_SCALAR },	/* config.ForwardStatsConfig: time.Duration */
	{ "rtc.host_acceptance_min_wait", LK_SCALAR },	/* rtcconfig.RTCConfig: time.Duration */
	{ "rtc.interfaces", LK_MAP },	/* rtcconfig.RTCConfig: InterfacesConfig */
	{ "rtc.interfaces.excludes", LK_LIST },	/* rtcconfig.InterfacesConfig: []string */
	{ "rtc.interfaces.includes", LK_LIST },	/* rtcconfig.InterfacesConfig: []string */
	{ "rtc.ips", LK_MAP },	/* rtcconfig.RTCConfig: IPsConfig */
	{ "rtc.ips.excludes", LK_LIST },	/* rtcconfig.IPsConfig: []string */
	{ "rtc.ips.includes", LK_LIST },	/* rtcconfig.IPsConfig: []string */
	{ "rtc.node_ip", LK_SCALAR },	/* rtcconfig.RTCConfig: NodeIP [UnmarshalYAML] */
	{ "rtc.packet_buffer_size", LK_SCALAR },	/* config.RTCConfig: int */
	{ "rtc.packet_buffer_size_audio", LK_SCALAR },	/* config.RTCConfig: int */
	{ "rtc.packet_buffer_size_video", LK_SCALAR },	/* config.RTCConfig: int */
	{ "rtc.pli_throttle", LK_MAP },	/* config.RTCConfig: sfu.PLIThrottleConfig */
	{ "rtc.pli_throttle.high_quality", LK_SCALAR },	/* sfu.PLIThrottleConfig: time.Duration */
	{ "rtc.pli_throttle.low_quality", LK_SCALAR },	/* sfu.PLIThrottleConfig: time.Duration */
	{ "rtc.pli_throttle.mid_quality", LK_SCALAR },	/* sfu.PLIThrottleConfig: time.Duration */
	{ "rtc.port_range_end", LK_SCALAR },	/* rtcconfig.RTCConfig: uint32 */
	{ "rtc.port_range_start", LK_SCALAR },	/* rtcconfig.RTCConfig: uint32 */
	{ "rtc.prflx_acceptance_min_wait", LK_SCALAR },	/* rtcconfig.RTCConfig: time.Duration */
	{ "rtc.reconnect_on_data_channel_error", LK_BOOL },	/* config.RTCConfig: *bool */
	{ "rtc.reconnect_on_publication_error", LK_BOOL },	/* config.RTCConfig: *bool */
	{ "rtc.reconnect_on_subscription_error", LK_BOOL },	/* config.RTCConfig: *bool */
	{ "rtc.relay_acceptance_min_wait", LK_SCALAR },	/* rtcconfig.RTCConfig: time.Duration */
	{ "rtc.sctp_cwnd_ca_step", LK_SCALAR },	/* rtcconfig.RTCConfig: int */
	{ "rtc.sctp_fast_rtx_wnd", LK_SCALAR },	/* rtcconfig.RTCConfig: int */
	{ "rtc.sctp_min_cwnd", LK_SCALAR },	/* rtcconfig.RTCConfig: int */
	{ "rtc.skip_external_ip_validation", LK_BOOL },	/* rtcconfig.RTCConfig: bool */
	{ "rtc.srflx_acceptance_min_wait", LK_SCALAR },	/* rtcconfig.RTCConfig: time.Duration */
	{ "rtc.strict_acks", LK_BOOL },	/* config.RTCConfig: bool */
	{ "rtc.stun_servers", LK_LIST },	/* rtcconfig.RTCConfig: []string */
	{ "rtc.tcp_fallback_rtt_threshold", LK_SCALAR },	/* config.RTCConfig: int */
	{ "rtc.tcp_port", LK_SCALAR },	/* rtcconfig.RTCConfig: uint32 */
	{ "rtc.turn_servers", LK_LISTOF },	/* config.RTCConfig: []TURNServer */
	{ "rtc.turn_servers[].credential", LK_SCALAR },	/* config.TURNServer: string */
	{ "rtc.turn_servers[].host", LK_SCALAR },	/* config.TURNServer: string */
	{ "rtc.turn_servers[].port", LK_SCALAR },	/* config.TURNServer: int */
	{ "rtc.turn_servers[].protocol", LK_SCALAR },	/* config.TURNServer: string */
	{ "rtc.turn_servers[].secret", LK_SCALAR },	/* config.TURNServer: string */
	{ "rtc.turn_servers[].secret_file", LK_SCALAR },	/* config.TURNServer: string */
	{ "rtc.turn_servers[].ttl", LK_SCALAR },	/* config.TURNServer: int */
	{ "rtc.turn_servers[].username", LK_SCALAR },	/* config.TURNServer: string */
	{ "rtc.udp_port", LK_SCALAR },	/* rtcconfig.RTCConfig: PortRange [UnmarshalYAML] */
	{ "rtc.use_external_ip", LK_BOOL },	/* rtcconfig.RTCConfig: bool */
	{ "rtc.use_ice_lite", LK_BOOL },	/* rtcconfig.RTCConfig: bool */
	{ "rtc.use_mdns", LK_BOOL },	/* rtcconfig.RTCConfig: bool */
	{ "rtc.use_stun_port_as_ice", LK_BOOL },	/* rtcconfig.RTCConfig: bool */
	{ "signal_relay", LK_MAP },	/* config.Config: SignalRelayConfig */
	{ "signal_relay.connect_attempts", LK_SCALAR },	/* config.SignalRelayConfig: int */
	{ "signal_relay.max_retry_interval", LK_SCALAR },	/* config.SignalRelayConfig: time.Duration */
	{ "signal_relay.min_retry_interval", LK_SCALAR },	/* config.SignalRelayConfig: time.Duration */
	{ "signal_relay.retry_timeout", LK_SCALAR },	/* config.SignalRelayConfig: time.Duration */
	{ "signal_relay.stream_buffer_size", LK_SCALAR },	/* config.SignalRelayConfig: int */
	{ "sip", LK_MAP },	/* config.Config: SIPConfig */
	{ "trace", LK_MAP },	/* config.Config: TracingConfig */
	{ "trace.jaeger_url", LK_SCALAR },	/* config.TracingConfig: string */
	{ "turn", LK_MAP },	/* config.Config: TURNConfig */
	{ "turn.allow_restricted_peer_cidrs", LK_LIST },	/* config.TURNConfig: []string */
	{ "turn.bind_addresses", LK_LIST },	/* config.TURNConfig: []string */
	{ "turn.cert_file", LK_SCALAR },	/* config.TURNConfig: string */
	{ "turn.deny_peer_cidrs", LK_LIST },	/* config.TURNConfig: []string */
	{ "turn.domain", LK_SCALAR },	/* config.TURNConfig: string */
	{ "turn.enabled", LK_BOOL },	/* config.TURNConfig: bool */
	{ "turn.external_tls", LK_BOOL },	/* config.TURNConfig: bool */
	{ "turn.key_file", LK_SCALAR },	/* config.TURNConfig: string */
	{ "turn.relay_range_end", LK_SCALAR },	/* config.TURNConfig: uint16 */
	{ "turn.relay_range_start", LK_SCALAR },	/* config.TURNConfig: uint16 */
	{ "turn.tls_port", LK_SCALAR },	/* config.TURNConfig: int */
	{ "turn.ttl_seconds", LK_SCALAR },	/* config.TURNConfig: int */
	{ "turn.udp_port", LK_SCALAR },	/* config.TURNConfig: int */
	{ "video", LK_MAP },	/* config.Config: VideoConfig */
	{ "video.codec_regression_threshold", LK_SCALAR },	/* config.VideoConfig: int */
	{ "video.dynacast_pause_delay", LK_SCALAR },	/* config.VideoConfig: time.Duration */
	{ "video.stream_tracker_manager", LK_MAP },	/* config.VideoConfig: sfu.StreamTrackerManagerConfig */
	{ "video.stream_tracker_manager.screenshare", LK_MAP },	/* sfu.StreamTrackerManagerConfig: StreamTrackerConfig */
	{ "video.stream_tracker_manager.screenshare.bitrate_report_interval", LK_ANYMAP },	/* sfu.StreamTrackerConfig: map[int32]time.Duration */
	{ "video.stream_tracker_manager.screenshare.frame_tracker", LK_MAPOF },	/* sfu.StreamTrackerConfig: map[int32]streamtracker.StreamTrackerFrameConfig */
	{ "video.stream_tracker_manager.screenshare.frame_tracker.*.min_fps", LK_SCALAR },	/* streamtracker.StreamTrackerFrameConfig: float64 */
	{ "video.stream_tracker_manager.screenshare.packet_tracker", LK_MAPOF },	/* sfu.StreamTrackerConfig: map[int32]streamtracker.StreamTrackerPacketConfig */
	{ "video.stream_tracker_manager.screenshare.packet_tracker.*.cycle_duration", LK_SCALAR },	/* streamtracker.StreamTrackerPacketConfig: time.Duration */
	{ "video.stream_tracker_manager.screenshare.packet_tracker.*.cycles_required", LK_SCALAR },	/* streamtracker.StreamTrackerPacketConfig: uint32 */
	{ "video.stream_tracker_manager.screenshare.packet_tracker.*.samples_required", LK_SCALAR },	/* streamtracker.StreamTrackerPacketConfig: uint32 */
	{ "video.stream_tracker_manager.screenshare.stream_tracker_type", LK_SCALAR },	/* sfu.StreamTrackerConfig: StreamTrackerType */
	{ "video.stream_tracker_manager.video", LK_MAP },	/* sfu.StreamTrackerManagerConfig: StreamTrackerConfig */
	{ "video.stream_tracker_manager.video.bitrate_report_interval", LK_ANYMAP },	/* sfu.StreamTrackerConfig: map[int32]time.Duration */
	{ "video.stream_tracker_manager.video.frame_tracker", LK_MAPOF },	/* sfu.StreamTrackerConfig: map[int32]streamtracker.StreamTrackerFrameConfig */
	{ "video.stream_tracker_manager.video.frame_tracker.*.min_fps", LK_SCALAR },	/* streamtracker.StreamTrackerFrameConfig: float64 */
	{ "video.stream_tracker_manager.video.packet_tracker", LK_MAPOF },	/* sfu.StreamTrackerConfig: map[int32]streamtracker.StreamTrackerPacketConfig */
	{ "video.stream_tracker_manager.video.packet_tracker.*.cycle_duration", LK_SCALAR },	/* streamtracker.StreamTrackerPacketConfig: time.Duration */
	{ "video.stream_tracker_manager.video.packet_tracker.*.cycles_required", LK_SCALAR },	/* streamtracker.StreamTrackerPacketConfig: uint32 */
	{ "video.stream_tracker_manager.video.packet_tracker.*.samples_required", LK_SCALAR },	/* streamtracker.StreamTrackerPacketConfig: uint32 */
	{ "video.stream_tracker_manager.video.stream_tracker_type", LK_SCALAR },	/* sfu.StreamTrackerConfig: StreamTrackerType */
	{ "webhook", LK_MAP },	/* config.Config: webhook.WebHookConfig */
	{ "webhook.api_key", LK_SCALAR },	/* webhook.WebHookConfig: string */
	{ "webhook.filter_params", LK_MAP },	/* webhook.WebHookConfig: FilterParams */
	{ "webhook.filter_params.exclude_events", LK_LIST },	/* webhook.FilterParams: []string */
	{ "webhook.filter_params.include_events", LK_LIST },	/* webhook.FilterParams: []string */
	{ "webhook.resource_url_notifier", LK_MAP },	/* webhook.WebHookConfig: ResourceURLNotifierConfig */
	{ "webhook.resource_url_notifier.max_age", LK_SCALAR },	/* webhook.ResourceURLNotifierConfig: time.Duration */
	{ "webhook.resource_url_notifier.max_depth", LK_SCALAR },	/* webhook.ResourceURLNotifierConfig: int */
	{ "webhook.url_notifier", LK_MAP },	/* webhook.WebHookConfig: URLNotifierConfig */
	{ "webhook.url_notifier.num_workers", LK_SCALAR },	/* webhook.URLNotifierConfig: int */
	{ "webhook.url_notifier.queue_size", LK_SCALAR },	/* webhook.URLNotifierConfig: int */
	{ "webhook.urls", LK_LIST },	/* webhook.WebHookConfig: []string */
};

const size_t lk_nkeys = sizeof(lk_keys) / sizeof(lk_keys[0]);

const struct lk_key *
lk_key_find(const char *path)
{
	size_t lo, hi, mid;
	int c;

	if (path == NULL)
		return NULL;
	lo = 0;
	hi = lk_nkeys;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(path, lk_keys[mid].path);
		if (c == 0)
			return &lk_keys[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const struct lk_key *
lk_key_at(size_t i)
{
	if (i >= lk_nkeys)
		return NULL;
	return &lk_keys[i];
}
