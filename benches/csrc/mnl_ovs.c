/* The hand-written C reference: OVS flow dump decode and flow put encode with libmnl,
 * written the way libmnl's own examples are (mnl_cb_run, mnl_attr_parse into tb[],
 * mnl_attr_for_each_nested, mnl_attr_validate on every attribute read). */
#include <arpa/inet.h>
#include <errno.h>
#include <endian.h>
#include <stddef.h>
#include <string.h>
#include <linux/genetlink.h>
#include <libmnl/libmnl.h>
#include "ovs_model.h"

/* OVS uapi numbers (include/uapi/linux/openvswitch.h) */
enum { FLOW_KEY = 1, FLOW_ACTIONS, FLOW_STATS, FLOW_TCP_FLAGS, FLOW_USED, FLOW_CLEAR, FLOW_MASK,
       FLOW_PROBE, FLOW_UFID, FLOW_UFID_FLAGS, FLOW_PAD, FLOW_MAX = FLOW_PAD };
enum { KEY_ENCAP = 1, KEY_PRIORITY, KEY_IN_PORT, KEY_ETHERNET, KEY_VLAN, KEY_ETHERTYPE, KEY_IPV4,
       KEY_IPV6, KEY_TCP, KEY_UDP, KEY_SKB_MARK = 15, KEY_TUNNEL = 16, KEY_TCP_FLAGS = 18,
       KEY_DP_HASH, KEY_RECIRC_ID, KEY_CT_STATE = 22, KEY_CT_ZONE, KEY_CT_MARK, KEY_CT_LABELS };
enum { TUN_ID = 0, TUN_IPV4_SRC, TUN_IPV4_DST, TUN_TOS, TUN_TTL, TUN_DF, TUN_CSUM,
       TUN_TP_SRC = 9, TUN_TP_DST = 10 };
enum { ACT_OUTPUT = 1, ACT_USERSPACE, ACT_SET, ACT_PUSH_VLAN, ACT_POP_VLAN, ACT_RECIRC = 7, ACT_CT = 12 };
enum { US_PID = 1, US_USERDATA = 2, US_ACTIONS = 4 };
enum { CT_COMMIT = 1, CT_ZONE = 2 };

#define OVS_HDRLEN 4
#define FAMILY 0x1d

typedef void (*flow_sink)(const struct flow *, void *);

size_t nlwb_sizeof_flow(void) { return sizeof(struct flow); }
size_t nlwb_sizeof_flow_key(void) { return sizeof(struct flow_key); }

#define V(a, t) do { if (mnl_attr_validate((a), (t)) < 0) return -1; } while (0)
#define V2(a, n) do { if (mnl_attr_validate2((a), MNL_TYPE_BINARY, (n)) < 0) return -1; } while (0)

static int decode_tunnel(const struct nlattr *nest, struct tunnel_key *t)
{
	const struct nlattr *a;
	mnl_attr_for_each_nested(a, nest) {
		uint16_t ty = mnl_attr_get_type(a);
		switch (ty) {
		case TUN_ID: V(a, MNL_TYPE_U64); t->id = be64toh(mnl_attr_get_u64(a)); break;
		case TUN_IPV4_SRC: V(a, MNL_TYPE_U32); t->ipv4_src = ntohl(mnl_attr_get_u32(a)); break;
		case TUN_IPV4_DST: V(a, MNL_TYPE_U32); t->ipv4_dst = ntohl(mnl_attr_get_u32(a)); break;
		case TUN_TOS: V(a, MNL_TYPE_U8); t->tos = mnl_attr_get_u8(a); break;
		case TUN_TTL: V(a, MNL_TYPE_U8); t->ttl = mnl_attr_get_u8(a); break;
		case TUN_DF: case TUN_CSUM: V(a, MNL_TYPE_FLAG); break;
		case TUN_TP_SRC: V(a, MNL_TYPE_U16); t->tp_src = ntohs(mnl_attr_get_u16(a)); break;
		case TUN_TP_DST: V(a, MNL_TYPE_U16); t->tp_dst = ntohs(mnl_attr_get_u16(a)); break;
		default: continue;
		}
		t->present |= 1u << ty;
	}
	return 0;
}

static int decode_key(const struct nlattr *nest, struct flow_key *k)
{
	const struct nlattr *a;
	mnl_attr_for_each_nested(a, nest) {
		uint16_t ty = mnl_attr_get_type(a);
		const uint8_t *p = mnl_attr_get_payload(a);
		switch (ty) {
		case KEY_PRIORITY: V(a, MNL_TYPE_U32); k->priority = mnl_attr_get_u32(a); break;
		case KEY_IN_PORT: V(a, MNL_TYPE_U32); k->in_port = mnl_attr_get_u32(a); break;
		case KEY_SKB_MARK: V(a, MNL_TYPE_U32); k->skb_mark = mnl_attr_get_u32(a); break;
		case KEY_RECIRC_ID: V(a, MNL_TYPE_U32); k->recirc_id = mnl_attr_get_u32(a); break;
		case KEY_DP_HASH: V(a, MNL_TYPE_U32); k->dp_hash = mnl_attr_get_u32(a); break;
		case KEY_CT_STATE: V(a, MNL_TYPE_U32); k->ct_state = mnl_attr_get_u32(a); break;
		case KEY_CT_ZONE: V(a, MNL_TYPE_U16); k->ct_zone = mnl_attr_get_u16(a); break;
		case KEY_CT_MARK: V(a, MNL_TYPE_U32); k->ct_mark = mnl_attr_get_u32(a); break;
		case KEY_CT_LABELS: V2(a, 16); memcpy(k->ct_labels, p, 16); break;
		case KEY_ETHERNET: V2(a, 12); memcpy(k->eth_src, p, 6); memcpy(k->eth_dst, p + 6, 6); break;
		case KEY_VLAN: V(a, MNL_TYPE_U16); k->vlan_tci = ntohs(mnl_attr_get_u16(a)); break;
		case KEY_ETHERTYPE: V(a, MNL_TYPE_U16); k->eth_type = ntohs(mnl_attr_get_u16(a)); break;
		case KEY_IPV4: {
			uint32_t v;
			V2(a, 12);
			memcpy(&v, p, 4); k->ipv4_src = ntohl(v);
			memcpy(&v, p + 4, 4); k->ipv4_dst = ntohl(v);
			k->ip_proto = p[8]; k->ip_tos = p[9]; k->ip_ttl = p[10]; k->ip_frag = p[11];
			break;
		}
		case KEY_IPV6: {
			uint32_t v;
			V2(a, 40);
			memcpy(k->ipv6_src, p, 16); memcpy(k->ipv6_dst, p + 16, 16);
			memcpy(&v, p + 32, 4); k->ipv6_label = ntohl(v);
			k->ip_proto = p[36]; k->ip_tos = p[37]; k->ip_ttl = p[38]; k->ip_frag = p[39];
			break;
		}
		case KEY_TCP: case KEY_UDP: {
			uint16_t v;
			V2(a, 4);
			memcpy(&v, p, 2); k->tp_src = ntohs(v);
			memcpy(&v, p + 2, 2); k->tp_dst = ntohs(v);
			break;
		}
		case KEY_TCP_FLAGS: V(a, MNL_TYPE_U16); k->tcp_flags = ntohs(mnl_attr_get_u16(a)); break;
		case KEY_TUNNEL: V(a, MNL_TYPE_NESTED); if (decode_tunnel(a, &k->tunnel) < 0) return -1; break;
		default: continue;
		}
		k->present |= 1u << ty;
	}
	return 0;
}

static void push_action(struct flow *f, uint16_t kind, uint16_t sub, uint32_t arg)
{
	if (f->n_actions >= MAX_ACTIONS)
		return;
	f->actions[f->n_actions].kind = kind;
	f->actions[f->n_actions].sub = sub;
	f->actions[f->n_actions].arg = arg;
	f->n_actions++;
}

static int decode_actions(const struct nlattr *nest, struct flow *f)
{
	const struct nlattr *a, *u;
	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case ACT_OUTPUT: V(a, MNL_TYPE_U32); push_action(f, ACT_OUTPUT, 0, mnl_attr_get_u32(a)); break;
		case ACT_RECIRC: V(a, MNL_TYPE_U32); push_action(f, ACT_RECIRC, 0, mnl_attr_get_u32(a)); break;
		case ACT_POP_VLAN: push_action(f, ACT_POP_VLAN, 0, 0); break;
		case ACT_PUSH_VLAN: {
			uint16_t tpid, tci;
			const uint8_t *p = mnl_attr_get_payload(a);
			V2(a, 4);
			memcpy(&tpid, p, 2); memcpy(&tci, p + 2, 2);
			push_action(f, ACT_PUSH_VLAN, ntohs(tpid), ntohs(tci));
			break;
		}
		case ACT_USERSPACE: {
			uint16_t sub = 0;
			uint32_t pid = 0;
			V(a, MNL_TYPE_NESTED);
			mnl_attr_for_each_nested(u, a) {
				switch (mnl_attr_get_type(u)) {
				case US_PID: V(u, MNL_TYPE_U32); pid = mnl_attr_get_u32(u); break;
				case US_USERDATA: {
					uint16_t n = mnl_attr_get_payload_len(u);
					if (n <= MAX_USERDATA) {
						memcpy(f->userdata, mnl_attr_get_payload(u), n);
						f->userdata_len = n;
					}
					break;
				}
				case US_ACTIONS: sub |= 1; break;
				}
			}
			f->upcall_pid = pid;
			push_action(f, ACT_USERSPACE, sub, pid);
			break;
		}
		case ACT_SET: {
			const struct nlattr *inner = mnl_attr_get_payload(a);
			V(a, MNL_TYPE_NESTED);
			if (!mnl_attr_ok(inner, mnl_attr_get_payload_len(a)))
				continue;
			if (mnl_attr_get_type(inner) == KEY_TUNNEL && decode_tunnel(inner, &f->set_tunnel) < 0)
				return -1;
			push_action(f, ACT_SET, mnl_attr_get_type(inner), 0);
			break;
		}
		case ACT_CT: {
			uint16_t sub = 0;
			uint32_t zone = 0;
			V(a, MNL_TYPE_NESTED);
			mnl_attr_for_each_nested(u, a) {
				switch (mnl_attr_get_type(u)) {
				case CT_COMMIT: sub |= 1; break;
				case CT_ZONE: V(u, MNL_TYPE_U16); zone = mnl_attr_get_u16(u); break;
				}
			}
			push_action(f, ACT_CT, sub, zone);
			break;
		}
		}
	}
	return 0;
}

static int flow_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);
	if (mnl_attr_type_valid(attr, FLOW_MAX) < 0)
		return MNL_CB_OK;
	tb[type] = attr;
	return MNL_CB_OK;
}

struct dump_ctx {
	flow_sink sink;
	void *data;
	long n;
};

static int flow_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *ctx = data;
	const struct nlattr *tb[FLOW_MAX + 1] = { 0 };
	struct flow f;
	const uint8_t *hdr;

	memset(&f, 0, sizeof f);
	if (mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN + OVS_HDRLEN)
		return MNL_CB_ERROR;
	hdr = mnl_nlmsg_get_payload(nlh);
	memcpy(&f.dp_ifindex, hdr + GENL_HDRLEN, 4);
	if (mnl_attr_parse(nlh, GENL_HDRLEN + OVS_HDRLEN, flow_attr_cb, tb) < 0)
		return MNL_CB_ERROR;
	if (tb[FLOW_UFID]) {
		if (mnl_attr_validate2(tb[FLOW_UFID], MNL_TYPE_BINARY, 16) < 0) return MNL_CB_ERROR;
		memcpy(f.ufid, mnl_attr_get_payload(tb[FLOW_UFID]), 16);
		f.attrs |= 1u << FLOW_UFID;
	}
	if (tb[FLOW_KEY]) {
		if (mnl_attr_validate(tb[FLOW_KEY], MNL_TYPE_NESTED) < 0 || decode_key(tb[FLOW_KEY], &f.key) < 0)
			return MNL_CB_ERROR;
		f.attrs |= 1u << FLOW_KEY;
	}
	if (tb[FLOW_MASK]) {
		if (mnl_attr_validate(tb[FLOW_MASK], MNL_TYPE_NESTED) < 0 || decode_key(tb[FLOW_MASK], &f.mask) < 0)
			return MNL_CB_ERROR;
		f.attrs |= 1u << FLOW_MASK;
	}
	if (tb[FLOW_STATS]) {
		const uint8_t *p = mnl_attr_get_payload(tb[FLOW_STATS]);
		if (mnl_attr_validate2(tb[FLOW_STATS], MNL_TYPE_BINARY, 16) < 0) return MNL_CB_ERROR;
		memcpy(&f.n_packets, p, 8);
		memcpy(&f.n_bytes, p + 8, 8);
		f.attrs |= 1u << FLOW_STATS;
	}
	if (tb[FLOW_USED]) {
		if (mnl_attr_validate(tb[FLOW_USED], MNL_TYPE_U64) < 0) return MNL_CB_ERROR;
		f.used = mnl_attr_get_u64(tb[FLOW_USED]);
		f.attrs |= 1u << FLOW_USED;
	}
	if (tb[FLOW_TCP_FLAGS]) {
		if (mnl_attr_validate(tb[FLOW_TCP_FLAGS], MNL_TYPE_U8) < 0) return MNL_CB_ERROR;
		f.tcp_flags = mnl_attr_get_u8(tb[FLOW_TCP_FLAGS]);
		f.attrs |= 1u << FLOW_TCP_FLAGS;
	}
	if (tb[FLOW_ACTIONS]) {
		if (mnl_attr_validate(tb[FLOW_ACTIONS], MNL_TYPE_NESTED) < 0 || decode_actions(tb[FLOW_ACTIONS], &f) < 0)
			return MNL_CB_ERROR;
		f.attrs |= 1u << FLOW_ACTIONS;
	}
	ctx->sink(&f, ctx->data);
	ctx->n++;
	return MNL_CB_OK;
}

/* Decodes a dump-reply datagram; returns the number of flows, or -1. */
long nlwb_mnl_ovs_decode_dump(const void *buf, size_t len, flow_sink sink, void *data)
{
	struct dump_ctx ctx = { sink, data, 0 };
	if (mnl_cb_run(buf, len, 0, 0, flow_msg_cb, &ctx) < 0)
		return -1;
	return ctx.n;
}

/* ------------------------------------------------------------------ encode */

static int has(uint32_t present, int t) { return (present >> t) & 1; }

static void put_tunnel(struct nlmsghdr *nlh, const struct tunnel_key *t)
{
	uint32_t p = t->present;
	if (has(p, TUN_ID)) mnl_attr_put_u64(nlh, TUN_ID, htobe64(t->id));
	if (has(p, TUN_IPV4_SRC)) mnl_attr_put_u32(nlh, TUN_IPV4_SRC, htonl(t->ipv4_src));
	if (has(p, TUN_IPV4_DST)) mnl_attr_put_u32(nlh, TUN_IPV4_DST, htonl(t->ipv4_dst));
	if (has(p, TUN_TOS)) mnl_attr_put_u8(nlh, TUN_TOS, t->tos);
	if (has(p, TUN_TTL)) mnl_attr_put_u8(nlh, TUN_TTL, t->ttl);
	if (has(p, TUN_DF)) mnl_attr_put(nlh, TUN_DF, 0, "");
	if (has(p, TUN_CSUM)) mnl_attr_put(nlh, TUN_CSUM, 0, "");
	if (has(p, TUN_TP_SRC)) mnl_attr_put_u16(nlh, TUN_TP_SRC, htons(t->tp_src));
	if (has(p, TUN_TP_DST)) mnl_attr_put_u16(nlh, TUN_TP_DST, htons(t->tp_dst));
}

static void put_key(struct nlmsghdr *nlh, const struct flow_key *k)
{
	uint32_t p = k->present;
	if (has(p, KEY_RECIRC_ID)) mnl_attr_put_u32(nlh, KEY_RECIRC_ID, k->recirc_id);
	if (has(p, KEY_DP_HASH)) mnl_attr_put_u32(nlh, KEY_DP_HASH, k->dp_hash);
	if (has(p, KEY_PRIORITY)) mnl_attr_put_u32(nlh, KEY_PRIORITY, k->priority);
	if (has(p, KEY_TUNNEL)) {
		struct nlattr *n = mnl_attr_nest_start(nlh, KEY_TUNNEL);
		put_tunnel(nlh, &k->tunnel);
		mnl_attr_nest_end(nlh, n);
	}
	if (has(p, KEY_IN_PORT)) mnl_attr_put_u32(nlh, KEY_IN_PORT, k->in_port);
	if (has(p, KEY_SKB_MARK)) mnl_attr_put_u32(nlh, KEY_SKB_MARK, k->skb_mark);
	if (has(p, KEY_CT_STATE)) mnl_attr_put_u32(nlh, KEY_CT_STATE, k->ct_state);
	if (has(p, KEY_CT_ZONE)) mnl_attr_put_u16(nlh, KEY_CT_ZONE, k->ct_zone);
	if (has(p, KEY_CT_MARK)) mnl_attr_put_u32(nlh, KEY_CT_MARK, k->ct_mark);
	if (has(p, KEY_CT_LABELS)) mnl_attr_put(nlh, KEY_CT_LABELS, 16, k->ct_labels);
	if (has(p, KEY_ETHERNET)) {
		uint8_t e[12];
		memcpy(e, k->eth_src, 6);
		memcpy(e + 6, k->eth_dst, 6);
		mnl_attr_put(nlh, KEY_ETHERNET, 12, e);
	}
	if (has(p, KEY_VLAN)) mnl_attr_put_u16(nlh, KEY_VLAN, htons(k->vlan_tci));
	if (has(p, KEY_ETHERTYPE)) mnl_attr_put_u16(nlh, KEY_ETHERTYPE, htons(k->eth_type));
	if (has(p, KEY_IPV4)) {
		uint8_t ip[12];
		uint32_t v = htonl(k->ipv4_src);
		memcpy(ip, &v, 4);
		v = htonl(k->ipv4_dst);
		memcpy(ip + 4, &v, 4);
		ip[8] = k->ip_proto; ip[9] = k->ip_tos; ip[10] = k->ip_ttl; ip[11] = k->ip_frag;
		mnl_attr_put(nlh, KEY_IPV4, 12, ip);
	}
	if (has(p, KEY_IPV6)) {
		uint8_t ip[40];
		uint32_t v = htonl(k->ipv6_label);
		memcpy(ip, k->ipv6_src, 16);
		memcpy(ip + 16, k->ipv6_dst, 16);
		memcpy(ip + 32, &v, 4);
		ip[36] = k->ip_proto; ip[37] = k->ip_tos; ip[38] = k->ip_ttl; ip[39] = k->ip_frag;
		mnl_attr_put(nlh, KEY_IPV6, 40, ip);
	}
	if (has(p, KEY_TCP) || has(p, KEY_UDP)) {
		uint16_t ports[2] = { htons(k->tp_src), htons(k->tp_dst) };
		if (has(p, KEY_TCP)) mnl_attr_put(nlh, KEY_TCP, 4, ports);
		if (has(p, KEY_UDP)) mnl_attr_put(nlh, KEY_UDP, 4, ports);
	}
	if (has(p, KEY_TCP_FLAGS)) mnl_attr_put_u16(nlh, KEY_TCP_FLAGS, htons(k->tcp_flags));
}

static void put_actions(struct nlmsghdr *nlh, const struct flow *f)
{
	for (int i = 0; i < f->n_actions; i++) {
		const struct action *a = &f->actions[i];
		struct nlattr *n, *t;
		switch (a->kind) {
		case ACT_OUTPUT: mnl_attr_put_u32(nlh, ACT_OUTPUT, a->arg); break;
		case ACT_RECIRC: mnl_attr_put_u32(nlh, ACT_RECIRC, a->arg); break;
		case ACT_POP_VLAN: mnl_attr_put(nlh, ACT_POP_VLAN, 0, ""); break;
		case ACT_PUSH_VLAN: {
			uint16_t v[2] = { htons(a->sub), htons((uint16_t)a->arg) };
			mnl_attr_put(nlh, ACT_PUSH_VLAN, 4, v);
			break;
		}
		case ACT_USERSPACE:
			n = mnl_attr_nest_start(nlh, ACT_USERSPACE);
			mnl_attr_put_u32(nlh, US_PID, a->arg);
			mnl_attr_put(nlh, US_USERDATA, f->userdata_len, f->userdata);
			if (a->sub & 1) mnl_attr_put(nlh, US_ACTIONS, 0, "");
			mnl_attr_nest_end(nlh, n);
			break;
		case ACT_SET:
			n = mnl_attr_nest_start(nlh, ACT_SET);
			t = mnl_attr_nest_start(nlh, KEY_TUNNEL);
			put_tunnel(nlh, &f->set_tunnel);
			mnl_attr_nest_end(nlh, t);
			mnl_attr_nest_end(nlh, n);
			break;
		case ACT_CT:
			n = mnl_attr_nest_start(nlh, ACT_CT);
			if (a->sub & 1) mnl_attr_put(nlh, CT_COMMIT, 0, "");
			mnl_attr_put_u16(nlh, CT_ZONE, (uint16_t)a->arg);
			mnl_attr_nest_end(nlh, n);
			break;
		}
	}
}

/* Encodes one OVS_FLOW_CMD_NEW per flow back to back into buf; returns the bytes used.
 * buf must be large enough (libmnl does not check: the caller sizes it, as with
 * MNL_SOCKET_BUFFER_SIZE). */
size_t nlwb_mnl_ovs_encode_puts(void *buf, const struct flow *flows, size_t n)
{
	char *p = buf;
	for (size_t i = 0; i < n; i++) {
		const struct flow *f = &flows[i];
		struct nlmsghdr *nlh = mnl_nlmsg_put_header(p);
		struct genlmsghdr *g;
		struct nlattr *nest;
		nlh->nlmsg_type = FAMILY;
		nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE;
		nlh->nlmsg_seq = (uint32_t)i + 1;
		g = mnl_nlmsg_put_extra_header(nlh, sizeof *g);
		g->cmd = 1;
		g->version = 1;
		memcpy(mnl_nlmsg_put_extra_header(nlh, OVS_HDRLEN), &f->dp_ifindex, 4);
		mnl_attr_put(nlh, FLOW_UFID, 16, f->ufid);
		nest = mnl_attr_nest_start(nlh, FLOW_KEY);
		put_key(nlh, &f->key);
		mnl_attr_nest_end(nlh, nest);
		nest = mnl_attr_nest_start(nlh, FLOW_MASK);
		put_key(nlh, &f->mask);
		mnl_attr_nest_end(nlh, nest);
		nest = mnl_attr_nest_start(nlh, FLOW_ACTIONS);
		put_actions(nlh, f);
		mnl_attr_nest_end(nlh, nest);
		p += nlh->nlmsg_len;
	}
	return (size_t)(p - (char *)buf);
}
