/* Mirror of src/ovs/model.rs: the values a consumer reads from an OVS flow dump.
 * Layouts must match the Rust #[repr(C)] structs; the Rust side checks the sizes. */
#ifndef NLWIRE_BENCH_OVS_MODEL_H
#define NLWIRE_BENCH_OVS_MODEL_H
#include <stdint.h>

#define MAX_ACTIONS 8
#define MAX_USERDATA 16

struct tunnel_key {
	uint64_t id;
	uint32_t ipv4_src, ipv4_dst;
	uint16_t tp_src, tp_dst;
	uint8_t tos, ttl;
	uint16_t present;
};

struct flow_key {
	uint32_t present;
	uint32_t priority, in_port, skb_mark, recirc_id, dp_hash, ct_state, ct_mark;
	uint16_t ct_zone, eth_type, vlan_tci, tcp_flags;
	uint8_t ct_labels[16];
	uint8_t eth_src[6], eth_dst[6];
	uint32_t ipv4_src, ipv4_dst;
	uint8_t ipv6_src[16], ipv6_dst[16];
	uint32_t ipv6_label;
	uint8_t ip_proto, ip_tos, ip_ttl, ip_frag;
	uint16_t tp_src, tp_dst;
	struct tunnel_key tunnel;
};

struct action {
	uint16_t kind, sub;
	uint32_t arg;
};

struct flow {
	uint32_t attrs;
	uint32_t dp_ifindex;
	uint8_t ufid[16];
	struct flow_key key, mask;
	uint64_t n_packets, n_bytes, used;
	uint8_t tcp_flags, n_actions, userdata_len, _pad;
	uint32_t upcall_pid;
	uint8_t userdata[MAX_USERDATA];
	struct tunnel_key set_tunnel;
	struct action actions[MAX_ACTIONS];
};

#endif
