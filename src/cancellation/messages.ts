// What each condition means and how to clear it, in zh-CN and en. Codes are stable; texts may improve.
import { formatYuan } from '../billing/final-bill.ts';

import type { Lang } from '../shared/lang.ts';

export { pickLang, type Lang } from '../shared/lang.ts';

type P = Record<string, string | number>;
type Text = { message: (p: P) => string; remedy?: (p: P) => string };

const y = (fen: string | number) => formatYuan(Number(fen));

/** What else a bundle holds, naming only what is there: "2 张副卡和宽带", "宽带", "1 secondary line". */
function bundleParts(p: P, lang: Lang): string {
  const n = Number(p.secondaries) || 0;
  const broadband = p.broadband === 'yes';
  if (lang === 'en') {
    const lines = n === 1 ? '1 secondary line' : `${n} secondary lines`;
    return n > 0 && broadband ? `${lines} and home broadband` : n > 0 ? lines : 'home broadband';
  }
  return n > 0 && broadband ? `${n} 张副卡和宽带` : n > 0 ? `${n} 张副卡` : '宽带';
}

const BLOCKERS: Record<Lang, Record<string, Text>> = {
  en: {
    line_cancelled: { message: () => 'This line is already cancelled.', remedy: () => 'Nothing to do. If it was cancelled in the last freeze period you may recover the number.' },
    already_requested: { message: () => 'A cancellation request for this line is already open.', remedy: () => 'Follow that request, or withdraw it before starting a new one.' },
    arrears: {
      message: (p) => `The account is in arrears: ${y(p.arrearsFen)} overdue since ${p.since}, plus ${y(p.overdueFen)} late charge (${y(p.totalFen)} in all).`,
      remedy: (p) => `Pay ${y(p.totalFen)} online${Number(p.cashBalanceFen) > 0 ? `, or offset it against your cash balance of ${y(p.cashBalanceFen)}` : ''}.`,
    },
    contract_lock_in: {
      message: (p) => `The line is under contract until ${p.contractEnd}; ending it early costs a penalty of ${y(p.penaltyFen)}.`,
      remedy: (p) => `Accept the penalty of ${y(p.penaltyFen)}: it is added to the final bill. Or wait until ${p.contractEnd}.`,
    },
    bundle_primary: {
      message: (p) => `This is the primary line of a bundle with ${bundleParts(p, 'en')}.`,
      remedy: () => 'Cancel the secondary lines (and the broadband) first, or move them to another primary line, then come back.',
    },
    port_out_pending: { message: () => 'A number port-out (携号转网) is in progress for this line.', remedy: () => 'Wait for the port to finish (the line then leaves this carrier) or withdraw the port request first.' },
    lost_or_suspended: { message: (p) => `The line is ${p.status === 'lost' ? 'reported lost' : 'suspended'}.`, remedy: () => 'Cancel it in any store with your ID card, or first replace the SIM / lift the suspension.' },
    store_only_number: { message: () => 'This number (a special or group number) can only be cancelled in a store.', remedy: () => 'Bring your ID card to any store of this carrier.' },
    mvno_line: {
      message: (p) => `This line was sold by ${p.seller}, which runs it on ${p.host}'s network. Only the seller can cancel it.`,
      remedy: (p) => `Call ${p.seller} at ${p.hotline}${p.forwardable === 'yes' ? ', or let us forward your request to them' : ''}.`,
    },
    third_party_line: { message: (p) => `This line was sold by a third party (${p.seller}); only the seller can cancel it.`, remedy: (p) => `Contact the seller at ${p.hotline}.` },
    final_bill_shortfall: {
      message: (p) => `The final bill (${y(p.billTotalFen)}) is more than the cash balance (${y(p.cashBalanceFen)}).`,
      remedy: (p) => `Pay the difference of ${y(p.shortfallFen)} online first.`,
    },
    deceased_owner: {
      message: () => 'The registered owner of this line has died.',
      remedy: () => 'A family member can cancel it in any store with the death certificate, proof of relationship and their own ID card.',
    },
    company_line: {
      message: () => 'This line is registered to a company.',
      remedy: () => 'The company\'s representative can cancel it in a store with a letter bearing the company stamp and their own ID card.',
    },
    out_of_province_forwarded: {
      message: (p) => `The line's home province is ${p.province}; this carrier sends out-of-province cancellations there.`,
      remedy: (p) => `The request will be forwarded and decided within ${p.days} working days.`,
    },
  },
  'zh-CN': {
    line_cancelled: { message: () => '该号码已注销。', remedy: () => '无需操作。如在冷冻期内，可申请恢复号码。' },
    already_requested: { message: () => '该号码已有一笔进行中的注销申请。', remedy: () => '请查看该申请进度，或先撤回后再重新申请。' },
    arrears: {
      message: (p) => `账户欠费：自 ${p.since} 起欠费 ${y(p.arrearsFen)}，滞纳金 ${y(p.overdueFen)}，合计 ${y(p.totalFen)}。`,
      remedy: (p) => `在线缴清 ${y(p.totalFen)}${Number(p.cashBalanceFen) > 0 ? `，或用账户现金余额 ${y(p.cashBalanceFen)} 抵扣` : ''}。`,
    },
    contract_lock_in: {
      message: (p) => `该号码处于合约期内（至 ${p.contractEnd}），提前解约需支付违约金 ${y(p.penaltyFen)}。`,
      remedy: (p) => `同意支付违约金 ${y(p.penaltyFen)}（计入最终账单），或等到 ${p.contractEnd} 合约期满后再办理。`,
    },
    bundle_primary: {
      message: (p) => `该号码是融合/家庭套餐的主卡，套餐内还有${bundleParts(p, 'zh-CN')}。`,
      remedy: () => '请先注销副卡（及宽带），或将其转到其他主卡后再办理。',
    },
    port_out_pending: { message: () => '该号码正在办理携号转网。', remedy: () => '请等待携转完成，或先撤销携转申请。' },
    lost_or_suspended: { message: (p) => `该号码已${p.status === 'lost' ? '挂失' : '停机'}。`, remedy: () => '请携带身份证到任一营业厅办理注销，或先补卡/复机。' },
    store_only_number: { message: () => '该号码（靓号/集团号码）只能在营业厅注销。', remedy: () => '请携带身份证到该运营商任一营业厅办理。' },
    mvno_line: {
      message: (p) => `该号码由${p.seller}销售（使用${p.host}网络），只能由销售方办理注销。`,
      remedy: (p) => `请拨打${p.seller}客服电话 ${p.hotline}${p.forwardable === 'yes' ? '，或由我们把申请转交给对方' : ''}。`,
    },
    third_party_line: { message: (p) => `该号码由第三方（${p.seller}）销售，只能由销售方注销。`, remedy: (p) => `请联系销售方：${p.hotline}。` },
    final_bill_shortfall: {
      message: (p) => `最终账单 ${y(p.billTotalFen)} 超过账户现金余额 ${y(p.cashBalanceFen)}。`,
      remedy: (p) => `请先在线补缴差额 ${y(p.shortfallFen)}。`,
    },
    deceased_owner: {
      message: () => '该号码的登记机主已身故。',
      remedy: () => '家属可持死亡证明、亲属关系证明及本人身份证到任一营业厅办理注销。',
    },
    company_line: {
      message: () => '该号码登记在单位名下。',
      remedy: () => '请单位经办人持加盖公章的单位介绍信及本人身份证到营业厅办理。',
    },
    out_of_province_forwarded: {
      message: (p) => `该号码归属地为${p.province}，本运营商的异地注销需转归属地处理。`,
      remedy: (p) => `申请将转交归属地，在 ${p.days} 个工作日内办结。`,
    },
  },
};

const WARNINGS: Record<Lang, Record<string, (p: P) => string>> = {
  en: {
    companion_devices: (p) => (Number(p.count) === 1
      ? `A companion device shares this number (${p.devices}); its service stops too.`
      : `${p.count} companion devices share this number (${p.devices}); their service stops too.`),
    esim_profile: () => 'The eSIM profile on your phone stops working. Delete it in the phone\'s settings (Settings → Mobile network → eSIM) after cancellation.',
    promotional_credit: (p) => `Promotional credit of ${y(p.promoFen)} is not refundable and will be forfeited.`,
  },
  'zh-CN': {
    companion_devices: (p) => `有 ${p.count} 台附属设备共用此号码（${p.devices}），其服务将一并停止。`,
    esim_profile: () => '手机上的 eSIM 配置文件将失效，注销后请在手机设置（设置 → 移动网络 → eSIM）中删除。',
    promotional_credit: (p) => `赠送余额 ${y(p.promoFen)} 不可退还，将随注销作废。`,
  },
};

const ACKS: Record<Lang, Record<string, (p: P) => string>> = {
  en: {
    data_backup: () => 'I have backed up my contacts, messages and other data tied to this line.',
    unbind_accounts: () => 'I have unbound this number from WeChat, Alipay, banks and other apps and accounts.',
    number_frozen: (p) => `I understand the number is frozen for ${p.days} days and then re-issued to someone else.`,
    companion_devices: () => 'I understand the companion devices stop working too.',
    esim_profile: () => 'I will delete the eSIM profile on my phone.',
  },
  'zh-CN': {
    data_backup: () => '我已备份与此号码相关的通讯录、短信等数据。',
    unbind_accounts: () => '我已解绑此号码关联的微信、支付宝、银行卡及其他应用账号。',
    number_frozen: (p) => `我知悉号码注销后将冻结 ${p.days} 天，之后会重新放号给他人。`,
    companion_devices: () => '我知悉附属设备将一并停止服务。',
    esim_profile: () => '我会在手机上删除该 eSIM 配置文件。',
  },
};

const BILL_LABELS: Record<Lang, Record<string, string>> = {
  en: { usage: 'Usage to date', monthly_fee_prorata: 'Monthly fee (pro rata)', penalty: 'Early-termination penalty' },
  'zh-CN': { usage: '本月已产生话费', monthly_fee_prorata: '当月月租（按天折算）', penalty: '提前解约违约金' },
};

const ROUTE_LABELS: Record<Lang, Record<string, string>> = {
  en: { original: 'Back to the original payment channel', bank: 'To a bank account', line: 'To another of my lines at this carrier', cash: 'Cash at the counter' },
  'zh-CN': { original: '原路退回', bank: '退至银行账户', line: '转入本人同运营商其他号码', cash: '营业厅现金退款' },
};

export const blockerText = (lang: Lang, code: string, p: P) => ({
  message: BLOCKERS[lang][code].message(p),
  remedy: BLOCKERS[lang][code].remedy?.(p) ?? '',
});
export const warningText = (lang: Lang, code: string, p: P) => WARNINGS[lang][code](p);
export const ackText = (lang: Lang, code: string, p: P) => ACKS[lang][code]?.(p) ?? code;
export const billLabel = (lang: Lang, code: string) => BILL_LABELS[lang][code] ?? code;
export const routeLabel = (lang: Lang, code: string) => ROUTE_LABELS[lang][code] ?? code;
export const refundNote = (lang: Lang) =>
  lang === 'en'
    ? 'Only cash you paid in is refunded; promotional credit is not. Refunds arrive by the end of next month at the latest.'
    : '仅退还您充值的现金余额，赠送余额不予退还。退款最迟于次月底前到账。';

/**
 * Why a line that is not the last on its account refunds nothing, and where the money stays; `more`:
 * lines keeping the balance beyond the tails listed (a fleet's account of thousands).
 */
export const balanceStaysNote = (lang: Lang, p: { amountFen: number; tails: string[]; more?: number }) => {
  const more = p.more ?? 0;
  const count = p.tails.length + more;
  const tails = p.tails.join(lang === 'en' ? ', ' : '、');
  if (lang === 'en') {
    const listed = more > 0 ? `${tails} and ${more.toLocaleString('en-US')} more` : tails;
    return `This line shares its account with ${count === 1 ? 'your other line' : 'your other lines'} ending ${listed}. Nothing is refunded now: the balance of ${y(p.amountFen)} (after this line's final bill) stays on the account for ${count === 1 ? 'that line' : 'those lines'}, and is refunded when the last line on the account is cancelled.`;
  }
  const listed = more > 0 ? `尾号 ${tails} 等共 ${count} 个号码` : `尾号 ${tails} 的号码`;
  return `该号码与${listed}共用同一账户。本次不退款：扣除本号码最终账单后，余额 ${y(p.amountFen)} 留在该账户中供上述号码继续使用，待账户下最后一个号码注销时一并结算退还。`;
};
