// The wording of the in-store cancellation agreement (注销协议), in zh-CN and en. Every Chinese
// character here must be in the embedded font: re-run scripts/make-font-subset.sh after editing.
import type { Lang } from '../cancellation/messages.ts';

export interface AgreementWords {
  title: string;
  subtitle: string;
  intro: string;
  sections: { request: string; line: string; owner: string; applicant: string; checks: string; money: string; acknowledgements: string; signature: string };
  labels: Record<
    | 'requestId' | 'store' | 'clerk' | 'signedAt' | 'carrier' | 'msisdn' | 'iccid' | 'formFactor' | 'plan' | 'homeProvince' | 'lineStatus'
    | 'ownerName' | 'idType' | 'idNumber' | 'mandate' | 'applicantName' | 'applicantIdNumber' | 'relationship' | 'documents' | 'card' | 'esimProfile' | 'idCheck' | 'faceCheck'
    | 'billTotal' | 'cashBalance' | 'promoCredit' | 'refund' | 'refundRoute' | 'penalty' | 'outOfProvince' | 'hash',
    string
  >;
  mandates: Record<'owner' | 'proxy' | 'deceased_owner' | 'company', string>;
  idTypes: Record<string, string>;
  documentKinds: Record<string, string>;
  formFactors: Record<'physical' | 'esim', string>;
  lineStatuses: Record<string, string>;
  results: { matches: string; passed: string; deleted: string; notDeleted: string; cardLost: string; none: string; penaltyAccepted: string; noPenalty: string };
  forwarded: (province: string, days: number) => string;
  localOutOfProvince: (province: string) => string;
  signatureNote: string;
  hashNote: string;
  acknowledged: string;
  page: (page: number, pages: number) => string;
}

const ZH: AgreementWords = {
  title: '移动电话号码注销协议',
  subtitle: '营业厅受理',
  intro: '申请人申请注销下列移动电话号码，已核对下列信息、费用结算与提示事项，确认无误并同意办理。注销后号码上的全部业务终止，不可撤销。',
  sections: { request: '受理信息', line: '号码信息', owner: '机主信息', applicant: '办理人', checks: '现场核验', money: '费用结算', acknowledgements: '申请人确认事项', signature: '申请人签名' },
  labels: {
    requestId: '受理单号', store: '受理营业厅', clerk: '受理员工', signedAt: '签署时间', carrier: '运营商', msisdn: '手机号码', iccid: 'SIM 卡号（ICCID）',
    formFactor: '卡类型', plan: '套餐', homeProvince: '号码归属地', lineStatus: '号码状态', ownerName: '机主姓名', idType: '证件类型', idNumber: '证件号码',
    mandate: '办理方式', applicantName: '办理人姓名', applicantIdNumber: '办理人证件号码', relationship: '与机主关系', documents: '已提交材料', card: 'SIM 卡', esimProfile: 'eSIM 配置文件', idCheck: '证件核验',
    faceCheck: '人脸核验', billTotal: '最终账单合计', cashBalance: '账户现金余额', promoCredit: '赠送余额（不予退还）', refund: '应退金额', refundRoute: '退款方式',
    penalty: '提前解约违约金', outOfProvince: '异地办理', hash: '协议摘要（SHA-256）',
  },
  mandates: { owner: '机主本人办理', proxy: '代理人持授权委托书代办', deceased_owner: '机主已故，由亲属凭死亡证明办理', company: '单位号码，由单位经办人办理' },
  idTypes: { resident_id: '居民身份证', passport: '护照', hk_macao_permit: '港澳居民来往内地通行证', taiwan_permit: '台湾居民来往大陆通行证', business_licence: '营业执照（统一社会信用代码）' },
  documentKinds: {
    agent_id: '代理人身份证件', authorisation_letter: '授权委托书', death_certificate: '死亡证明', relationship_proof: '亲属关系证明',
    company_letter: '单位证明（加盖公章）', applicant_id: '办理人身份证件', other: '其他材料',
  },
  formFactors: { physical: '实体 SIM 卡', esim: 'eSIM（嵌入式 SIM 卡）' },
  lineStatuses: { active: '正常', suspended: '停机', lost: '挂失', cancelled: '已注销' },
  results: {
    matches: '与号码一致，卡已收回', passed: '通过', deleted: '客户已在手机上删除', notDeleted: '客户尚未删除（注销后失效）', cardLost: '卡已挂失，无法收回',
    none: '无', penaltyAccepted: '已同意支付', noPenalty: '不适用',
  },
  forwarded: (province, days) => `号码归属地为${province}，本申请将转交归属地处理，${days} 个工作日内办结。`,
  localOutOfProvince: (province) => `号码归属地为${province}，在本营业厅异地办理。`,
  signatureNote: '申请人已在屏幕上签名确认上述内容。',
  hashNote: '本协议以电子方式存档。协议摘要由上述全部内容及签名图像计算得出，可用于核对协议未被改动。',
  acknowledged: '已确认',
  page: (page, pages) => `第 ${page} 页，共 ${pages} 页`,
};

const EN: AgreementWords = {
  title: 'Mobile Line Cancellation Agreement',
  subtitle: 'Taken in store',
  intro: 'The applicant asks to cancel the mobile line below, has checked the facts, the settlement and the reminders, and agrees. Cancellation ends every service on the line and cannot be undone.',
  sections: { request: 'Request', line: 'Line', owner: 'Registered owner', applicant: 'Applicant', checks: 'Checks at the counter', money: 'Settlement', acknowledgements: 'The applicant confirms', signature: 'Applicant\'s signature' },
  labels: {
    requestId: 'Request reference', store: 'Store', clerk: 'Clerk', signedAt: 'Signed at', carrier: 'Carrier', msisdn: 'Mobile number', iccid: 'SIM card number (ICCID)',
    formFactor: 'SIM type', plan: 'Plan', homeProvince: 'Home province', lineStatus: 'Line status', ownerName: 'Owner', idType: 'ID document', idNumber: 'ID number',
    mandate: 'Applies as', applicantName: 'Applicant\'s name', applicantIdNumber: 'Applicant\'s ID number', relationship: 'Relationship to the owner', documents: 'Documents provided', card: 'SIM card', esimProfile: 'eSIM profile', idCheck: 'ID check',
    faceCheck: 'Face check', billTotal: 'Final bill', cashBalance: 'Cash balance', promoCredit: 'Promotional credit (not refundable)', refund: 'Refund', refundRoute: 'Refund method',
    penalty: 'Early-termination penalty', outOfProvince: 'Out of province', hash: 'Agreement digest (SHA-256)',
  },
  mandates: { owner: 'The owner in person', proxy: 'An agent with the owner\'s written authorisation', deceased_owner: 'The owner has died; a relative applies with the death certificate', company: 'A company line, by the company\'s representative' },
  idTypes: { resident_id: 'Resident identity card', passport: 'Passport', hk_macao_permit: 'Mainland travel permit for Hong Kong and Macao residents', taiwan_permit: 'Mainland travel permit for Taiwan residents', business_licence: 'Business licence (unified social credit code)' },
  documentKinds: {
    agent_id: 'Agent\'s ID document', authorisation_letter: 'Letter of authorisation', death_certificate: 'Death certificate', relationship_proof: 'Proof of relationship',
    company_letter: 'Company letter with its stamp', applicant_id: 'Applicant\'s ID document', other: 'Other document',
  },
  formFactors: { physical: 'Physical SIM card', esim: 'eSIM (embedded SIM)' },
  lineStatuses: { active: 'Active', suspended: 'Suspended', lost: 'Reported lost', cancelled: 'Cancelled' },
  results: {
    matches: 'Matches the line; card handed back', passed: 'Passed', deleted: 'Deleted on the phone by the customer', notDeleted: 'Not deleted yet (it stops working)', cardLost: 'Card reported lost; not handed back',
    none: 'None', penaltyAccepted: 'accepted', noPenalty: 'Not applicable',
  },
  forwarded: (province, days) => `The line's home province is ${province}; this request is forwarded there and decided within ${days} working days.`,
  localOutOfProvince: (province) => `The line's home province is ${province}; it is cancelled at this store (out-of-province cancellation).`,
  signatureNote: 'The applicant signed on screen to confirm the above.',
  hashNote: 'This agreement is kept electronically. The digest is computed over all of the content above and the signature image; it shows that the agreement was not changed.',
  acknowledged: 'Confirmed',
  page: (page, pages) => `Page ${page} of ${pages}`,
};

export const agreementWords = (lang: Lang): AgreementWords => (lang === 'en' ? EN : ZH);
