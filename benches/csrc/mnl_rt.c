/* The C reference for the recorded nlctrl and rtnetlink link dumps: libmnl as its
 * examples use it (mnl_cb_run, mnl_attr_parse into tb[] with mnl_attr_validate in the
 * callback, mnl_attr_for_each_nested for lists). Structs mirror src/ctrl.rs, src/link.rs. */
#include <stdint.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <libmnl/libmnl.h>

struct family {
	uint32_t present;
	uint16_t id, name_len;
	uint32_t version, hdrsize, maxattr, n_ops, n_mcgrps;
	uint8_t name[16];
	uint64_t ops_fold, mcgrps_fold;
};

struct link {
	uint64_t present;
	int32_t index;
	uint32_t flags;
	uint16_t ifi_type;
	uint8_t addr_len, brd_len, operstate, linkmode, carrier, _pad;
	uint32_t mtu, txqlen, group, promiscuity, num_tx_queues, num_rx_queues, master, link;
	uint8_t ifname[16], qdisc[16], kind[16];
	uint8_t address[32], broadcast[32];
	uint64_t stats[8];
};

size_t nlwb_sizeof_family(void) { return sizeof(struct family); }
size_t nlwb_sizeof_link(void) { return sizeof(struct link); }

static size_t strip_nul(const uint8_t *s, size_t n)
{
	const uint8_t *z = memchr(s, 0, n);
	return z ? (size_t)(z - s) : n;
}

static void set_str(uint8_t dst[16], const void *s, size_t n)
{
	n = strip_nul(s, n);
	if (n > 16) n = 16;
	memcpy(dst, s, n);
}

/* ------------------------------------------------------------------ nlctrl */

typedef void (*family_sink)(const struct family *, void *);
struct ctrl_ctx { family_sink sink; void *data; long n; };

static int ctrl_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);
	if (mnl_attr_type_valid(attr, CTRL_ATTR_MAX) < 0)
		return MNL_CB_OK;
	switch (type) {
	case CTRL_ATTR_FAMILY_NAME:
		if (mnl_attr_validate(attr, MNL_TYPE_STRING) < 0) return MNL_CB_ERROR;
		break;
	case CTRL_ATTR_FAMILY_ID:
		if (mnl_attr_validate(attr, MNL_TYPE_U16) < 0) return MNL_CB_ERROR;
		break;
	case CTRL_ATTR_VERSION: case CTRL_ATTR_HDRSIZE: case CTRL_ATTR_MAXATTR:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0) return MNL_CB_ERROR;
		break;
	case CTRL_ATTR_OPS: case CTRL_ATTR_MCAST_GROUPS:
		if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0) return MNL_CB_ERROR;
		break;
	}
	tb[type] = attr;
	return MNL_CB_OK;
}

static int ctrl_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ctrl_ctx *ctx = data;
	const struct nlattr *tb[CTRL_ATTR_MAX + 1] = { 0 };
	const struct nlattr *pos, *x;
	struct family f;

	memset(&f, 0, sizeof f);
	if (mnl_attr_parse(nlh, sizeof(struct genlmsghdr), ctrl_attr_cb, tb) < 0)
		return MNL_CB_ERROR;
	if (tb[CTRL_ATTR_FAMILY_ID]) { f.id = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]); f.present |= 1u << CTRL_ATTR_FAMILY_ID; }
	if (tb[CTRL_ATTR_FAMILY_NAME]) {
		const char *s = mnl_attr_get_str(tb[CTRL_ATTR_FAMILY_NAME]);
		size_t n = strip_nul((const uint8_t *)s, mnl_attr_get_payload_len(tb[CTRL_ATTR_FAMILY_NAME]));
		if (n > 16) n = 16;
		memcpy(f.name, s, n);
		f.name_len = n;
		f.present |= 1u << CTRL_ATTR_FAMILY_NAME;
	}
	if (tb[CTRL_ATTR_VERSION]) { f.version = mnl_attr_get_u32(tb[CTRL_ATTR_VERSION]); f.present |= 1u << CTRL_ATTR_VERSION; }
	if (tb[CTRL_ATTR_HDRSIZE]) { f.hdrsize = mnl_attr_get_u32(tb[CTRL_ATTR_HDRSIZE]); f.present |= 1u << CTRL_ATTR_HDRSIZE; }
	if (tb[CTRL_ATTR_MAXATTR]) { f.maxattr = mnl_attr_get_u32(tb[CTRL_ATTR_MAXATTR]); f.present |= 1u << CTRL_ATTR_MAXATTR; }
	if (tb[CTRL_ATTR_OPS]) {
		mnl_attr_for_each_nested(pos, tb[CTRL_ATTR_OPS]) {
			uint32_t id = 0, flags = 0;
			mnl_attr_for_each_nested(x, pos) {
				switch (mnl_attr_get_type(x)) {
				case CTRL_ATTR_OP_ID: if (mnl_attr_validate(x, MNL_TYPE_U32) < 0) return MNL_CB_ERROR; id = mnl_attr_get_u32(x); break;
				case CTRL_ATTR_OP_FLAGS: if (mnl_attr_validate(x, MNL_TYPE_U32) < 0) return MNL_CB_ERROR; flags = mnl_attr_get_u32(x); break;
				}
			}
			f.n_ops++;
			f.ops_fold = f.ops_fold * 31 + (((uint64_t)id << 32) | flags);
		}
		f.present |= 1u << CTRL_ATTR_OPS;
	}
	if (tb[CTRL_ATTR_MCAST_GROUPS]) {
		mnl_attr_for_each_nested(pos, tb[CTRL_ATTR_MCAST_GROUPS]) {
			const uint8_t *name = (const uint8_t *)"";
			size_t nlen = 0;
			uint32_t id = 0;
			uint64_t h;
			mnl_attr_for_each_nested(x, pos) {
				switch (mnl_attr_get_type(x)) {
				case CTRL_ATTR_MCAST_GRP_NAME:
					if (mnl_attr_validate(x, MNL_TYPE_STRING) < 0) return MNL_CB_ERROR;
					name = mnl_attr_get_payload(x);
					nlen = strip_nul(name, mnl_attr_get_payload_len(x));
					break;
				case CTRL_ATTR_MCAST_GRP_ID:
					if (mnl_attr_validate(x, MNL_TYPE_U32) < 0) return MNL_CB_ERROR;
					id = mnl_attr_get_u32(x);
					break;
				}
			}
			f.n_mcgrps++;
			h = f.mcgrps_fold * 31 + id;
			for (size_t i = 0; i < nlen; i++)
				h = h * 31 + name[i];
			f.mcgrps_fold = h;
		}
		f.present |= 1u << CTRL_ATTR_MCAST_GROUPS;
	}
	ctx->sink(&f, ctx->data);
	ctx->n++;
	return MNL_CB_OK;
}

long nlwb_mnl_ctrl_decode(const void *buf, size_t len, family_sink sink, void *data)
{
	struct ctrl_ctx ctx = { sink, data, 0 };
	if (mnl_cb_run(buf, len, 0, 0, ctrl_msg_cb, &ctx) < 0)
		return -1;
	return ctx.n;
}

/* ------------------------------------------------------------------ links */

typedef void (*link_sink)(const struct link *, void *);
struct link_ctx { link_sink sink; void *data; long n; };

static int link_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);
	if (mnl_attr_type_valid(attr, IFLA_MAX) < 0)
		return MNL_CB_OK;
	switch (type) {
	case IFLA_IFNAME: case IFLA_QDISC:
		if (mnl_attr_validate(attr, MNL_TYPE_STRING) < 0) return MNL_CB_ERROR;
		break;
	case IFLA_MTU: case IFLA_LINK: case IFLA_MASTER: case IFLA_TXQLEN: case IFLA_GROUP:
	case IFLA_PROMISCUITY: case IFLA_NUM_TX_QUEUES: case IFLA_NUM_RX_QUEUES:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0) return MNL_CB_ERROR;
		break;
	case IFLA_OPERSTATE: case IFLA_LINKMODE: case IFLA_CARRIER:
		if (mnl_attr_validate(attr, MNL_TYPE_U8) < 0) return MNL_CB_ERROR;
		break;
	case IFLA_LINKINFO:
		if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0) return MNL_CB_ERROR;
		break;
	case IFLA_STATS64:
		if (mnl_attr_validate2(attr, MNL_TYPE_UNSPEC, sizeof(struct rtnl_link_stats64)) < 0) return MNL_CB_ERROR;
		break;
	}
	tb[type] = attr;
	return MNL_CB_OK;
}

static int link_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct link_ctx *ctx = data;
	const struct nlattr *tb[IFLA_MAX + 1] = { 0 };
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *x;
	struct link l;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	memset(&l, 0, sizeof l);
	l.index = ifm->ifi_index;
	l.flags = ifm->ifi_flags;
	l.ifi_type = ifm->ifi_type;
	if (mnl_attr_parse(nlh, sizeof(*ifm), link_attr_cb, tb) < 0)
		return MNL_CB_ERROR;
#define U32(T, F) if (tb[T]) { l.F = mnl_attr_get_u32(tb[T]); l.present |= 1ull << T; }
#define U8(T, F) if (tb[T]) { l.F = mnl_attr_get_u8(tb[T]); l.present |= 1ull << T; }
	if (tb[IFLA_IFNAME]) { set_str(l.ifname, mnl_attr_get_payload(tb[IFLA_IFNAME]), mnl_attr_get_payload_len(tb[IFLA_IFNAME])); l.present |= 1ull << IFLA_IFNAME; }
	if (tb[IFLA_QDISC]) { set_str(l.qdisc, mnl_attr_get_payload(tb[IFLA_QDISC]), mnl_attr_get_payload_len(tb[IFLA_QDISC])); l.present |= 1ull << IFLA_QDISC; }
	if (tb[IFLA_ADDRESS]) {
		uint16_t n = mnl_attr_get_payload_len(tb[IFLA_ADDRESS]);
		if (n > 32) n = 32;
		memcpy(l.address, mnl_attr_get_payload(tb[IFLA_ADDRESS]), n);
		l.addr_len = n;
		l.present |= 1ull << IFLA_ADDRESS;
	}
	if (tb[IFLA_BROADCAST]) {
		uint16_t n = mnl_attr_get_payload_len(tb[IFLA_BROADCAST]);
		if (n > 32) n = 32;
		memcpy(l.broadcast, mnl_attr_get_payload(tb[IFLA_BROADCAST]), n);
		l.brd_len = n;
		l.present |= 1ull << IFLA_BROADCAST;
	}
	U32(IFLA_MTU, mtu) U32(IFLA_LINK, link) U32(IFLA_MASTER, master) U32(IFLA_TXQLEN, txqlen)
	U32(IFLA_GROUP, group) U32(IFLA_PROMISCUITY, promiscuity) U32(IFLA_NUM_TX_QUEUES, num_tx_queues)
	U32(IFLA_NUM_RX_QUEUES, num_rx_queues)
	U8(IFLA_OPERSTATE, operstate) U8(IFLA_LINKMODE, linkmode) U8(IFLA_CARRIER, carrier)
	if (tb[IFLA_LINKINFO]) {
		mnl_attr_for_each_nested(x, tb[IFLA_LINKINFO]) {
			if (mnl_attr_get_type(x) == IFLA_INFO_KIND) {
				if (mnl_attr_validate(x, MNL_TYPE_STRING) < 0) return MNL_CB_ERROR;
				set_str(l.kind, mnl_attr_get_payload(x), mnl_attr_get_payload_len(x));
			}
		}
		l.present |= 1ull << IFLA_LINKINFO;
	}
	if (tb[IFLA_STATS64]) {
		struct rtnl_link_stats64 s;
		memcpy(&s, mnl_attr_get_payload(tb[IFLA_STATS64]), sizeof s);
		l.stats[0] = s.rx_packets; l.stats[1] = s.tx_packets;
		l.stats[2] = s.rx_bytes; l.stats[3] = s.tx_bytes;
		l.stats[4] = s.rx_errors; l.stats[5] = s.tx_errors;
		l.stats[6] = s.rx_dropped; l.stats[7] = s.tx_dropped;
		l.present |= 1ull << IFLA_STATS64;
	}
	ctx->sink(&l, ctx->data);
	ctx->n++;
	return MNL_CB_OK;
}

long nlwb_mnl_link_decode(const void *buf, size_t len, link_sink sink, void *data)
{
	struct link_ctx ctx = { sink, data, 0 };
	if (mnl_cb_run(buf, len, 0, 0, link_msg_cb, &ctx) < 0)
		return -1;
	return ctx.n;
}
