import type { MessageKey } from './en.js';

/** 繁體中文: the keys of en.ts, in Traditional Chinese as written in Taiwan (帳號, 登入, 電子郵件). */
export const zhHant = {
  'page.closeAndReturn': '您可以關閉此頁面並返回應用程式。',
  'page.emailLabel': '電子郵件地址',
  'page.passwordLabel': '密碼',
  'page.codeLabel': '驗證碼',
  'page.verify': '驗證',
  'page.backToSignIn': '返回登入',

  'signIn.title': '登入',
  'signIn.pageTitle': '登入 {application}',
  'signIn.lead': '登入以繼續使用 {application}',
  'signIn.submit': '登入',
  'signIn.forgotPassword': '忘記密碼？',
  'signIn.createAccount': '建立帳號',
  'signIn.notVerified': '請先驗證您的電子郵件地址：我們已寄出新的連結，請開啟連結後再登入。',
  'signIn.notVerifiedRecently': '請先驗證您的電子郵件地址：請開啟我們寄給您的連結後再登入。',
  'signIn.invalidCredentials': '電子郵件地址或密碼不正確。',
  'signIn.rateLimited': '嘗試次數過多，請稍候再試。',
  'signIn.forbidden': '此帳號無法登入。',
  'signIn.missingFields': '請填寫所有欄位。',
  'signIn.failed': '系統發生問題，請稍後再試。',
  'signIn.tooSlow': '操作逾時，請重新登入。',
  'signIn.sessionEnded': '您的工作階段已結束，請重新登入。',

  'mfa.title': '兩步驟驗證',
  'mfa.lead': '請輸入驗證器應用程式中的 6 位數驗證碼，或其中一組 8 位數備用碼。',
  'mfa.wrongCode': '驗證碼不正確或已使用過，請改用下一組。',

  'consent.title': '要允許 {application} 嗎？',
  'consent.defaultDescription': '{application} 要求存取您的帳號。',
  'consent.scopesHeading': '如果您允許，{application} 將可以：',
  'consent.allow': '允許',
  'consent.deny': '拒絕',
  'consent.signedInAs': '目前登入的帳號為 {email}。',
  'consent.switchAccount': '使用其他帳號',

  'scope.read': '查看您的帳號：電子郵件地址、姓名、使用者名稱及個人資料',
  'scope.write': '代表您變更個人資料',

  'error.incompleteRequest.title': '請求不完整',
  'error.incompleteRequest.message': '應用程式未說明其身分或要返回的位置。',
  'error.unknownApplication.title': '不明的應用程式',
  'error.unknownApplication.message': '此應用程式尚未在這裡註冊。',
  'error.unregisteredRedirect.title': '未註冊的返回網址',
  'error.unregisteredRedirect.message': '應用程式要求返回一個它未註冊的網址。',
  'error.invalidRequest.title': '無效的請求',
  'error.unknownAction.title': '不明的操作',
  'error.startAgain': '請返回應用程式並重新開始。',
  'error.formExpired.title': '表單已過期',
  'error.formExpired.message': '無法驗證此表單，請返回應用程式並重新開始。',
  'error.formExpired.reload': '無法驗證此表單，請重新整理頁面後再試一次。',
  'error.failure.title': '發生錯誤',
  'error.failure.message': '請稍後再試。',

  'verifyEmail.verified.title': '電子郵件地址已驗證',
  'verifyEmail.verified.message': '{email} 已完成驗證，謝謝您。',
  'verifyEmail.changed.title': '電子郵件地址已變更',
  'verifyEmail.changed.message': '您的帳號現在使用 {email}。我們已通知您先前的地址。',
  'verifyEmail.used.title': '連結已使用過',
  'verifyEmail.used.message': '此驗證連結先前已使用過。如果您的地址已完成驗證，就不需要再做任何事。',
  'verifyEmail.expired.title': '連結已過期',
  'verifyEmail.expired.message': '此驗證連結已過期，請登入後重新申請。',
  'verifyEmail.superseded.title': '連結已被取代',
  'verifyEmail.superseded.message': '之後已寄出較新的驗證郵件，或地址已變更，請使用最新的連結。',
  'verifyEmail.invalid.title': '連結無效',
  'verifyEmail.invalid.message': '此驗證連結無效，請確認連結是否完整。',
  'verifyEmail.taken.title': '地址已被使用',
  'verifyEmail.taken.message': '此地址目前已由其他帳號使用，因此無法取代您的地址。',

  'forgot.title': '忘記密碼？',
  'forgot.lead': '請輸入您帳號的電子郵件地址，我們會寄給您一個設定新密碼的連結。',
  'forgot.submit': '寄送連結',
  'forgot.sentTitle': '請查看您的電子郵件',
  'forgot.sent': '如果有帳號使用此地址，重設密碼的連結已寄出。連結只能使用一次，有效時間為 {minutes} 分鐘。',
  'forgot.missingEmail': '請輸入您的電子郵件地址。',

  'reset.title': '設定新密碼',
  'reset.lead': '至少 8 個字元，不可使用您的電子郵件地址或常見密碼。其他所有工作階段都將被登出。',
  'reset.passwordLabel': '新密碼',
  'reset.submit': '設定密碼',
  'reset.doneTitle': '密碼已變更',
  'reset.done': '您已以 {email} 登入。您帳號的其他所有工作階段都已登出。您可以關閉此頁面。',
  'reset.passwordRefused': '無法使用此密碼：密碼至少需要 8 個字元，且不可為您的電子郵件地址或常見密碼。',
  'reset.used.title': '連結已使用過',
  'reset.used.message': '此重設密碼連結先前已使用過，請重新申請。',
  'reset.expired.title': '連結已過期',
  'reset.expired.message': '此重設密碼連結已過期，請重新申請。',
  'reset.superseded.title': '連結已被取代',
  'reset.superseded.message': '已寄出較新的重設密碼連結，請使用最新的連結，或重新申請。',
  'reset.invalid.title': '連結無效',
  'reset.invalid.message': '此重設密碼連結無效，請重新申請。',
  'reset.askAgain': '重新申請連結',
  'reset.mfaLead': '您的密碼已變更。請輸入驗證器應用程式中的驗證碼或備用碼以登入。',
  'reset.mfaExpired': '操作逾時，請使用新密碼登入。',

  'password.tooShort': '密碼至少需要 8 個字元。',
  'password.tooLong': '密碼最多只能有 256 個字元。',
  'password.isEmail': '密碼不可為您的電子郵件地址。',
  'password.tooCommon': '此密碼太常見，請選擇不在外洩密碼清單中的密碼。',

  'signUp.title': '建立帳號',
  'signUp.lead': '我們會寄送一個連結到您的電子郵件地址以進行驗證。',
  'signUp.passwordHint': '至少 8 個字元，不可使用您的電子郵件地址或常見密碼。',
  'signUp.nameLabel': '您的姓名（選填）',
  'signUp.submit': '建立帳號',
  'signUp.invalidEmail': '請輸入完整的電子郵件地址，例如 name@example.com。',
  'signUp.invalidPassword': '無法使用此密碼：密碼至少需要 8 個字元，且不可為您的電子郵件地址或常見密碼。',
  'signUp.invalidName': '此姓名過長，或含有無法使用的字元。',
  'signUp.invalidForm': '請檢查各欄位後再試一次。',
  'signUp.taken': '已有帳號使用此電子郵件地址。請直接登入，或重設該帳號的密碼。',
  'signUp.createdTitle': '帳號已建立',
  'signUp.created': '您已以 {email} 登入。我們已寄送連結到此地址，請開啟連結以驗證地址。',
  'signUp.verifyFirst': '我們已寄送連結到 {email}。請開啟連結驗證您的地址，然後再登入。',
  'signUp.closedTitle': '目前不開放註冊',
  'signUp.closed': '此處的帳號由管理員建立。',

  'mail.verifyAddress.subject': '請驗證您的電子郵件地址：{code}',
  'mail.verifyAddress.body':
    '請開啟以下連結，確認這是您的電子郵件地址：\n\n{link}\n\n' +
    '或在要求輸入驗證碼的地方輸入此驗證碼：{code}\n\n' +
    '連結與驗證碼只能使用一次，有效時間為 {minutes} 分鐘。如果您沒有建立帳號，請忽略此郵件。\n',
  'mail.verifyNewAddress.subject': '請確認您的新電子郵件地址：{code}',
  'mail.verifyNewAddress.body':
    '您要求將此地址用於您的帳號。請開啟以下連結確認：\n\n{link}\n\n' +
    '或在要求輸入驗證碼的地方輸入此驗證碼：{code}\n\n' +
    '在您確認之前，您的帳號會繼續使用目前的地址。連結與驗證碼只能使用一次，有效時間為 {minutes} 分鐘。' +
    '如果您沒有提出此要求，請忽略此郵件。\n',
  'mail.addressChanged.subject': '您的電子郵件地址已變更',
  'mail.addressChanged.body':
    '您帳號的電子郵件地址已變更為 {address}。之後與您帳號有關的郵件都會寄到該地址，' +
    '而此地址已無法再用於登入。\n\n' +
    '如果這不是您本人所做的變更，請立即與管理員聯絡。\n',
  'mail.passwordReset.subject': '重設您的密碼',
  'mail.passwordReset.body':
    '有人（希望是您本人）要求重設使用此地址之帳號的密碼。' +
    '請在此設定新密碼：\n\n{link}\n\n' +
    '連結只能使用一次，有效時間為 {minutes} 分鐘；若再次申請，此連結即會失效。' +
    '如果您沒有提出申請，請忽略此郵件，您的密碼將維持不變。\n',
  'mail.businessEmail.subject': '您的驗證碼：{code}',
  'mail.businessEmail.body':
    '您的 membergraph 驗證碼為 {code}。\n\n' +
    '此驗證碼將在 {minutes} 分鐘後失效。如果您沒有提出申請，請忽略此郵件。\n',
  'sms.businessPhone.subject': '驗證碼',
  'sms.businessPhone.body': '您的 membergraph 驗證碼為 {code}，將在 {minutes} 分鐘後失效。',
} as const satisfies Record<MessageKey, string>;
