// 错误信息（简体中文）：每个错误码一条，参数取自 error.details。
import { beijingTime } from '../lang.ts';
import { firstCode, num, str, type ErrorText, type MessageCode } from './types.ts';

const KIND: Record<string, string> = {
  msisdn: '手机号码', imsi: 'IMSI', iccid: 'ICCID', eid: 'EID', 'resident-id': '身份证号码', applicantIdNumber: '申请人身份证号码', uscc: '统一社会信用代码',
};

const ISSUE: Record<string, string> = {
  empty: '未填写',
  not_digits: '只能包含数字',
  wrong_length: '位数不对',
  not_iccid: '应以 89 开头',
  not_china: '不是中国大陆的号码或卡号',
  bad_format: '应为 17 位数字加 1 位数字或字母 X',
  bad_province: '前两位不是有效的省份代码',
  bad_date: '第 7–14 位不是有效的出生日期',
  future_date: '出生日期晚于今天',
  bad_check_char: '最后一位校验码不符，可能有一位输错了',
  unknown_kind: '类型未知',
};

/** "请 45 秒后再试" for a short wait, "请于 2026年3月2日 14:05（北京时间）后再试" for a long one. */
function retryAt(d: Record<string, unknown>, now: Date): string {
  const s = num(d.retryAfterSeconds);
  if (s === undefined) return '请稍后再试';
  if (s <= 90) return `请 ${s} 秒后再试`;
  return `请于 ${beijingTime(new Date(now.getTime() + s * 1000), 'zh-CN')}后再试`;
}

export const zhCN: Record<MessageCode, ErrorText> = {
  bad_request: () => '请求无法处理，请检查填写的内容后重试。',
  invalid_identifier: (d) => {
    const kind = KIND[str(d.field) ?? str(d.kind) ?? ''] ?? '号码';
    const issue = ISSUE[firstCode(d.errors) ?? ''];
    return issue ? `${kind}不正确：${issue}。请核对后重新输入。` : `${kind}不正确，请核对后重新输入。`;
  },
  validation_failed: () => '填写的内容不完整或格式不正确，请检查后重试。',
  unauthenticated: () => '请先登录。',
  real_name_required: () => '请先完成实名核验。',
  forbidden: () => '您的账号没有权限执行此操作。',
  permission_denied: () => '该接入客户端的访问令牌不含此操作所需的权限范围（scope）。',
  invalid_credentials: () => '用户名或密码错误。',
  locked: (d) => {
    const until = str(d.lockedUntil);
    return `密码错误次数过多，本地址登录该账号已被锁定${until ? `至 ${beijingTime(until, 'zh-CN')}` : ''}；管理员可以解锁。`;
  },
  invalid_code: (d) => {
    const left = num(d.triesLeft);
    return left !== undefined ? `验证码不正确，还可以再试 ${left} 次。` : '没有待验证的验证码，或验证码格式不对（短信中的 6 位数字）。请重新获取。';
  },
  code_expired: () => '验证码已过期，请重新获取。',
  too_many_attempts: () => '错误次数过多，请重新获取验证码。',
  rate_limited: (d, now) => `操作太频繁，${retryAt(d, now)}。`,
  csrf_rejected: () => '请求来源不被允许，请刷新页面后重试。',
  not_found: () => '没有找到相应的记录，请核对后重试。',
  conflict: () => '该申请的状态已经变化（可能已由他人处理），请刷新后查看。',
  claimed_by_other: (d) => {
    const who = str(d.claimedByName) ?? str(d.claimedBy) ?? '另一位审核员';
    const until = str(d.claimExpiresAt);
    return `该申请已由 ${who} 认领${until ? `，认领至 ${beijingTime(until, 'zh-CN')}` : ''}；认领到期前只有认领人可以做出决定。`;
  },
  already_requested: () => '该号码已有一笔进行中的注销申请。',
  quote_stale: () => '费用信息已更新，请重新核对后再提交。',
  idempotency_key_reused: () => '同一请求编号提交了不同的内容，请重新提交。',
  not_eligible: (d) => firstCode(d.blockers) === 'other_carrier'
    ? '该号码属于其他运营商，本厅不能为其收费。'
    : '该号码目前还不能注销，请先处理页面上列出的事项。',
  confirmation_mismatch: () => '输入的后 4 位与号码不一致。',
  acknowledgements_missing: () => '请勾选全部确认项。',
  identity_mismatch: (d) => {
    const left = num(d.triesLeft);
    switch (str(d.reason)) {
      case 'id_number': return '证件号码与该号码的实名登记信息不一致。';
      case 'face': return '人像比对未通过：到柜办理人须与所出示的证件一致。';
      case 'mandate':
        return d.expected === 'company' ? '该号码登记在单位名下，须由单位经办人办理（办理方式选择“单位”）。'
          : d.expected === 'deceased_owner' ? '实名登记显示机主已身故，须由家属持死亡证明办理（办理方式选择“机主身故”）。'
            : '该号码登记在个人名下，不是单位号码。';
      default: return `与该号码登记的证件信息不一致${left !== undefined ? `，还可以再试 ${left} 次` : ''}。`;
    }
  },
  iccid_mismatch: (d) => d.reason === 'not_scanned' ? '请扫描客户交回的 SIM 卡，其 ICCID 须与该号码一致。'
    : d.carrier ? '这张 SIM 卡属于其他运营商，请使用号码所属运营商的 SIM 卡。'
      : '扫描的 SIM 卡不是该号码的卡，请确认客户要注销的是这张卡。',
  documents_missing: () => '缺少该办理方式所需的材料，请补齐后再提交。',
  invalid_document: () => '材料或签名文件无效，请重新上传。',
  invalid_refund_route: () => '该退款方式不可用，请选择其他方式。',
  nothing_to_pay: () => '该号码没有需要缴纳的费用。',
  not_forwardable: () => '该申请不能转交给销售方，请联系销售方办理。',
  dev_only: () => '此功能仅在开发模式下提供。',
  number_cancelled: () => '该号码已注销。',
  adapter_failed: () => '运营商系统暂时无法响应，请稍后再试。',
  unavailable: (d, now) => `服务暂时不可用，${retryAt(d, now)}；重复提交同一申请只会办理一次。`,
  internal: () => '系统出错了，本次操作没有生效。请稍后再试。',
  payload_too_large: () => '上传的内容太大。',
  unsupported_media_type: () => '不支持该内容类型。',
};
