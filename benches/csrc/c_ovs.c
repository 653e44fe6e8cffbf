/* A hand-rolled C walk of the OVS flow dump: the same decode as mnl_ovs.c, with the
 * attribute helpers as static inline functions in this file (kernel nla_* style)
 * instead of calls into libmnl.so: what C gets when nothing stops the compiler from
 * inlining the walk. Same validation: exact payload lengths, flags empty, nests sane. */
#include <arpa/inet.h>
#include <endian.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include "ovs_model.h"

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

typedef void (*flow_sink)(const struct flow *, void *);

enum { T_U8 = 1, T_U16 = 2, T_U32 = 4, T_U64 = 8, T_FLAG = 100, T_NESTED = 101 };

static inline uint16_t attr_type(const struct nlattr *a) { return a->nla_type & NLA_TYPE_MASK; }
static inline const void *attr_payload(const struct nlattr *a) { return (const char *)a + NLA_HDRLEN; }
static inline uint16_t attr_len(const struct nlattr *a) { return a->nla_len - NLA_HDRLEN; }
static inline int attr_ok(const struct nlattr *a, long rem)
{
	return rem >= (long)sizeof(*a) && a->nla_len >= sizeof(*a) && a->nla_len <= rem;
}
static inline const struct nlattr *attr_next(const struct nlattr *a, long *rem)
{
	long l = NLA_ALIGN(a->nla_len);
	*rem -= l;
	return (const struct nlattr *)((const char *)a + l);
}
#define for_each_nested(pos, nest, rem) \
	for (pos = attr_payload(nest), rem = attr_len(nest); attr_ok(pos, rem); pos = attr_next(pos, &rem))
static inline int validate(const struct nlattr *a, int t)
{
	uint16_t n = attr_len(a);
	switch (t) {
	case T_FLAG: return n == 0 ? 0 : -1;
	case T_NESTED: return n == 0 || n >= NLA_HDRLEN ? 0 : -1;
	default: return n == t ? 0 : -1;
	}
}
static inline int validate2(const struct nlattr *a, uint16_t n) { return attr_len(a) == n ? 0 : -1; }
static inline uint8_t get_u8(const struct nlattr *a) { return *(const uint8_t *)attr_payload(a); }
static inline uint16_t get_u16(const struct nlattr *a) { uint16_t v; memcpy(&v, attr_payload(a), 2); return v; }
static inline uint32_t get_u32(const struct nlattr *a) { uint32_t v; memcpy(&v, attr_payload(a), 4); return v; }
static inline uint64_t get_u64(const struct nlattr *a) { uint64_t v; memcpy(&v, attr_payload(a), 8); return v; }

#define V(a, t) do { if (validate((a), (t)) < 0) return -1; } while (0)
#define V2(a, n) do { if (validate2((a), (n)) < 0) return -1; } while (0)

static int decode_tunnel(const struct nlattr *nest, struct tunnel_key *t)
{
	const struct nlattr *a;
	long rem;
	for_each_nested(a, nest, rem) {
		uint16_t ty = attr_type(a);
		switch (ty) {
		case TUN_ID: V(a, T_U64); t->id = be64toh(get_u64(a)); break;
		case TUN_IPV4_SRC: V(a, T_U32); t->ipv4_src = ntohl(get_u32(a)); break;
		case TUN_IPV4_DST: V(a, T_U32); t->ipv4_dst = ntohl(get_u32(a)); break;
		case TUN_TOS: V(a, T_U8); t->tos = get_u8(a); break;
		case TUN_TTL: V(a, T_U8); t->ttl = get_u8(a); break;
		case TUN_DF: case TUN_CSUM: V(a, T_FLAG); break;
		case TUN_TP_SRC: V(a, T_U16); t->tp_src = ntohs(get_u16(a)); break;
		case TUN_TP_DST: V(a, T_U16); t->tp_dst = ntohs(get_u16(a)); break;
		default: continue;
		}
		t->present |= 1u << ty;
	}
	return 0;
}

static int decode_key(const struct nlattr *nest, struct flow_key *k)
{
	const struct nlattr *a;
	long rem;
	for_each_nested(a, nest, rem) {
		uint16_t ty = attr_type(a);
		const uint8_t *p = attr_payload(a);
		switch (ty) {
		case KEY_PRIORITY: V(a, T_U32); k->priority = get_u32(a); break;
		case KEY_IN_PORT: V(a, T_U32); k->in_port = get_u32(a); break;
		case KEY_SKB_MARK: V(a, T_U32); k->skb_mark = get_u32(a); break;
		case KEY_RECIRC_ID: V(a, T_U32); k->recirc_id = get_u32(a); break;
		case KEY_DP_HASH: V(a, T_U32); k->dp_hash = get_u32(a); break;
		case KEY_CT_STATE: V(a, T_U32); k->ct_state = get_u32(a); break;
		case KEY_CT_ZONE: V(a, T_U16); k->ct_zone = get_u16(a); break;
		case KEY_CT_MARK: V(a, T_U32); k->ct_mark = get_u32(a); break;
		case KEY_CT_LABELS: V2(a, 16); memcpy(k->ct_labels, p, 16); break;
		case KEY_ETHERNET: V2(a, 12); memcpy(k->eth_src, p, 6); memcpy(k->eth_dst, p + 6, 6); break;
		case KEY_VLAN: V(a, T_U16); k->vlan_tci = ntohs(get_u16(a)); break;
		case KEY_ETHERTYPE: V(a, T_U16); k->eth_type = ntohs(get_u16(a)); break;
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
		case KEY_TCP_FLAGS: V(a, T_U16); k->tcp_flags = ntohs(get_u16(a)); break;
		case KEY_TUNNEL: V(a, T_NESTED); if (decode_tunnel(a, &k->tunnel) < 0) return -1; break;
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
	long rem, urem;
	for_each_nested(a, nest, rem) {
		switch (attr_type(a)) {
		case ACT_OUTPUT: V(a, T_U32); push_action(f, ACT_OUTPUT, 0, get_u32(a)); break;
		case ACT_RECIRC: V(a, T_U32); push_action(f, ACT_RECIRC, 0, get_u32(a)); break;
		case ACT_POP_VLAN: push_action(f, ACT_POP_VLAN, 0, 0); break;
		case ACT_PUSH_VLAN: {
			uint16_t tpid, tci;
			const uint8_t *p = attr_payload(a);
			V2(a, 4);
			memcpy(&tpid, p, 2); memcpy(&tci, p + 2, 2);
			push_action(f, ACT_PUSH_VLAN, ntohs(tpid), ntohs(tci));
			break;
		}
		case ACT_USERSPACE: {
			uint16_t sub = 0;
			uint32_t pid = 0;
			V(a, T_NESTED);
			for_each_nested(u, a, urem) {
				switch (attr_type(u)) {
				case US_PID: V(u, T_U32); pid = get_u32(u); break;
				case US_USERDATA: {
					uint16_t n = attr_len(u);
					if (n <= MAX_USERDATA) {
						memcpy(f->userdata, attr_payload(u), n);
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
			const struct nlattr *inner = attr_payload(a);
			V(a, T_NESTED);
			if (!attr_ok(inner, attr_len(a)))
				continue;
			if (attr_type(inner) == KEY_TUNNEL && decode_tunnel(inner, &f->set_tunnel) < 0)
				return -1;
			push_action(f, ACT_SET, attr_type(inner), 0);
			break;
		}
		case ACT_CT: {
			uint16_t sub = 0;
			uint32_t zone = 0;
			V(a, T_NESTED);
			for_each_nested(u, a, urem) {
				switch (attr_type(u)) {
				case CT_COMMIT: sub |= 1; break;
				case CT_ZONE: V(u, T_U16); zone = get_u16(u); break;
				}
			}
			push_action(f, ACT_CT, sub, zone);
			break;
		}
		}
	}
	return 0;
}

static int flow_msg(const struct nlmsghdr *nlh, flow_sink sink, void *data)
{
	const struct nlattr *tb[FLOW_MAX + 1] = { 0 };
	const struct nlattr *a;
	const uint8_t *hdr = NLMSG_DATA(nlh);
	long rem = (long)nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN - OVS_HDRLEN;
	struct flow f;

	if (rem < 0)
		return -1;
	memset(&f, 0, sizeof f);
	memcpy(&f.dp_ifindex, hdr + GENL_HDRLEN, 4);
	for (a = (const struct nlattr *)(hdr + GENL_HDRLEN + OVS_HDRLEN); attr_ok(a, rem); a = attr_next(a, &rem))
		if (attr_type(a) <= FLOW_MAX)
			tb[attr_type(a)] = a;
	if (rem != 0 && rem >= NLA_HDRLEN)
		return -1;
	if (tb[FLOW_UFID]) {
		if (validate2(tb[FLOW_UFID], 16) < 0) return -1;
		memcpy(f.ufid, attr_payload(tb[FLOW_UFID]), 16);
		f.attrs |= 1u << FLOW_UFID;
	}
	if (tb[FLOW_KEY]) {
		if (validate(tb[FLOW_KEY], T_NESTED) < 0 || decode_key(tb[FLOW_KEY], &f.key) < 0) return -1;
		f.attrs |= 1u << FLOW_KEY;
	}
	if (tb[FLOW_MASK]) {
		if (validate(tb[FLOW_MASK], T_NESTED) < 0 || decode_key(tb[FLOW_MASK], &f.mask) < 0) return -1;
		f.attrs |= 1u << FLOW_MASK;
	}
	if (tb[FLOW_STATS]) {
		const uint8_t *p = attr_payload(tb[FLOW_STATS]);
		if (validate2(tb[FLOW_STATS], 16) < 0) return -1;
		memcpy(&f.n_packets, p, 8);
		memcpy(&f.n_bytes, p + 8, 8);
		f.attrs |= 1u << FLOW_STATS;
	}
	if (tb[FLOW_USED]) {
		if (validate(tb[FLOW_USED], T_U64) < 0) return -1;
		f.used = get_u64(tb[FLOW_USED]);
		f.attrs |= 1u << FLOW_USED;
	}
	if (tb[FLOW_TCP_FLAGS]) {
		if (validate(tb[FLOW_TCP_FLAGS], T_U8) < 0) return -1;
		f.tcp_flags = get_u8(tb[FLOW_TCP_FLAGS]);
		f.attrs |= 1u << FLOW_TCP_FLAGS;
	}
	if (tb[FLOW_ACTIONS]) {
		if (validate(tb[FLOW_ACTIONS], T_NESTED) < 0 || decode_actions(tb[FLOW_ACTIONS], &f) < 0) return -1;
		f.attrs |= 1u << FLOW_ACTIONS;
	}
	sink(&f, data);
	return 0;
}

/* Decodes a dump-reply datagram; returns the number of flows, or -1. */
long nlwb_c_ovs_decode_dump(const void *buf, size_t len, flow_sink sink, void *data)
{
	const struct nlmsghdr *nlh = buf;
	int rem = (int)len;
	long n = 0;
	for (; NLMSG_OK(nlh, rem); nlh = NLMSG_NEXT(nlh, rem)) {
		if (nlh->nlmsg_type == NLMSG_DONE)
			break;
		if (nlh->nlmsg_type == NLMSG_ERROR)
			return -1;
		if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
			continue;
		if (flow_msg(nlh, sink, data) < 0)
			return -1;
		n++;
	}
	return rem == 0 ? n : -1;
}
