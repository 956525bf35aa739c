import type { MessageKey } from './en.js';

/** 한국어: the keys of en.ts, each in natural Korean (합니다체 for notices, 하세요 for instructions). */
export const ko = {
  'page.closeAndReturn': '이 페이지를 닫고 애플리케이션으로 돌아가셔도 됩니다.',
  'page.emailLabel': '이메일 주소',
  'page.passwordLabel': '비밀번호',
  'page.codeLabel': '인증 코드',
  'page.verify': '확인',
  'page.backToSignIn': '로그인으로 돌아가기',

  'signIn.title': '로그인',
  'signIn.pageTitle': '{application}에 로그인',
  'signIn.lead': '{application}에서 계속하려면 로그인하세요',
  'signIn.submit': '로그인',
  'signIn.forgotPassword': '비밀번호를 잊으셨나요?',
  'signIn.createAccount': '계정 만들기',
  'signIn.notVerified': '먼저 이메일 주소를 인증해 주세요. 새 링크를 보내 드렸습니다. 링크를 연 다음 로그인하세요.',
  'signIn.notVerifiedRecently': '먼저 이메일 주소를 인증해 주세요. 보내 드린 링크를 연 다음 로그인하세요.',
  'signIn.invalidCredentials': '이메일 주소 또는 비밀번호가 올바르지 않습니다.',
  'signIn.rateLimited': '시도 횟수가 너무 많습니다. 잠시 후 다시 시도하세요.',
  'signIn.forbidden': '이 계정으로는 로그인할 수 없습니다.',
  'signIn.missingFields': '모든 항목을 입력하세요.',
  'signIn.failed': '시스템에 문제가 발생했습니다. 나중에 다시 시도하세요.',
  'signIn.tooSlow': '시간이 너무 오래 걸렸습니다. 다시 로그인하세요.',
  'signIn.sessionEnded': '세션이 종료되었습니다. 다시 로그인하세요.',

  'mfa.title': '2단계 인증',
  'mfa.lead': '인증 앱에 표시된 6자리 코드 또는 8자리 백업 코드 중 하나를 입력하세요.',
  'mfa.wrongCode': '코드가 올바르지 않거나 이미 사용되었습니다. 다음 코드로 시도하세요.',

  'consent.title': '{application}에 권한을 허용하시겠습니까?',
  'consent.defaultDescription': '{application}에서 회원님의 계정에 대한 접근 권한을 요청합니다.',
  'consent.scopesHeading': '허용하면 {application}에서 다음 작업을 할 수 있습니다:',
  'consent.allow': '허용',
  'consent.deny': '거부',
  'consent.signedInAs': '{email}(으)로 로그인되어 있습니다.',
  'consent.switchAccount': '다른 계정 사용',

  'consent.sharedHeading': '{application}에 다음 정보가 제공됩니다:',
  'claim.sub': '계정 식별자',
  'claim.name': '이름',
  'claim.preferred_username': '사용자 이름',
  'claim.picture': '프로필 사진',
  'claim.gender': '성별',
  'claim.birthdate': '생년월일',
  'claim.locale': '사용 언어',
  'claim.updated_at': '프로필을 마지막으로 변경한 시각',
  'claim.email': '이메일 주소',
  'claim.email_verified': '이메일 주소 인증 여부',
  'claim.phone_number': '전화번호',
  'claim.phone_number_verified': '전화번호 인증 여부',
  'claim.yes': '예',
  'claim.no': '아니요',
  'scope.openid': '로그인: 계정 식별자 확인',
  'scope.profile': '공유 설정에서 허용한 프로필 정보 확인',
  'scope.email': '공유 설정에서 허용한 경우 이메일 주소 확인',
  'scope.phone': '공유 설정에서 허용한 경우 전화번호 확인',
  'logout.confirm.title': '로그아웃하시겠습니까?',
  'logout.confirm.message': '이 브라우저에서 membergraph 로그아웃됩니다.',
  'logout.confirm.submit': '로그아웃',
  'logout.done.title': '로그아웃되었습니다',
  'logout.done.message': '로그아웃되었습니다. 이 페이지를 닫아도 됩니다.',
  'error.invalidLogout.title': '잘못된 로그아웃 요청',
  'error.invalidLogout.message':
    '애플리케이션의 로그아웃 요청을 처리할 수 없습니다. 이 요청으로 로그아웃되지 않았습니다.',
  'error.logoutFormExpired.message': '이 양식을 확인할 수 없습니다. 다시 로그아웃하세요.',

  'scope.read': '계정 정보 보기: 이메일 주소, 이름, 사용자 이름 및 프로필',
  'scope.write': '회원님을 대신하여 프로필 변경',

  'error.incompleteRequest.title': '불완전한 요청',
  'error.incompleteRequest.message': '애플리케이션이 자신이 누구인지, 또는 어디로 돌아갈지 알려 주지 않았습니다.',
  'error.unknownApplication.title': '알 수 없는 애플리케이션',
  'error.unknownApplication.message': '이 애플리케이션은 여기에 등록되어 있지 않습니다.',
  'error.unregisteredRedirect.title': '등록되지 않은 반환 주소',
  'error.unregisteredRedirect.message': '애플리케이션이 등록하지 않은 주소로 돌아가려고 했습니다.',
  'error.invalidRequest.title': '잘못된 요청',
  'error.unknownAction.title': '알 수 없는 작업',
  'error.startAgain': '애플리케이션으로 돌아가서 처음부터 다시 시작하세요.',
  'error.formExpired.title': '양식이 만료되었습니다',
  'error.formExpired.message': '이 양식을 확인할 수 없습니다. 애플리케이션으로 돌아가서 처음부터 다시 시작하세요.',
  'error.formExpired.reload': '이 양식을 확인할 수 없습니다. 페이지를 새로 고친 다음 다시 시도하세요.',
  'error.failure.title': '문제가 발생했습니다',
  'error.failure.message': '나중에 다시 시도하세요.',

  'verifyEmail.verified.title': '이메일 주소 인증 완료',
  'verifyEmail.verified.message': '{email} 주소가 인증되었습니다. 감사합니다.',
  'verifyEmail.changed.title': '이메일 주소 변경 완료',
  'verifyEmail.changed.message': '이제 계정에서 {email} 주소를 사용합니다. 이전 주소로도 이 사실을 알려 드렸습니다.',
  'verifyEmail.used.title': '이미 사용된 링크',
  'verifyEmail.used.message': '이 인증 링크는 이미 사용되었습니다. 주소가 인증되어 있다면 더 하실 일은 없습니다.',
  'verifyEmail.expired.title': '만료된 링크',
  'verifyEmail.expired.message': '이 인증 링크는 만료되었습니다. 로그인한 다음 새 링크를 요청하세요.',
  'verifyEmail.superseded.title': '새 링크로 대체됨',
  'verifyEmail.superseded.message':
    '그 후에 새 인증 메일이 발송되었거나 주소가 변경되었습니다. 가장 최근 링크를 사용하세요.',
  'verifyEmail.invalid.title': '유효하지 않은 링크',
  'verifyEmail.invalid.message': '이 인증 링크는 유효하지 않습니다. 링크가 잘리지 않았는지 확인하세요.',
  'verifyEmail.taken.title': '이미 사용 중인 주소',
  'verifyEmail.taken.message': '다른 계정에서 이미 이 주소를 사용하고 있어 회원님의 주소를 바꿀 수 없습니다.',

  'forgot.title': '비밀번호를 잊으셨나요?',
  'forgot.lead': '계정의 이메일 주소를 입력하시면 새 비밀번호를 설정할 수 있는 링크를 보내 드립니다.',
  'forgot.submit': '링크 보내기',
  'forgot.sentTitle': '이메일을 확인하세요',
  'forgot.sent':
    '이 주소를 사용하는 계정이 있다면 비밀번호 재설정 링크가 발송됩니다. 링크는 {minutes}분 동안 한 번만 사용할 수 있습니다.',
  'forgot.missingEmail': '이메일 주소를 입력하세요.',

  'reset.title': '새 비밀번호 설정',
  'reset.lead':
    '8자 이상이어야 하며, 이메일 주소나 흔히 쓰이는 비밀번호는 사용할 수 없습니다. 다른 모든 세션은 로그아웃됩니다.',
  'reset.passwordLabel': '새 비밀번호',
  'reset.submit': '비밀번호 설정',
  'reset.doneTitle': '비밀번호 변경 완료',
  'reset.done':
    '{email}(으)로 로그인되었습니다. 계정의 다른 모든 세션은 로그아웃되었습니다. 이 페이지를 닫으셔도 됩니다.',
  'reset.passwordRefused':
    '이 비밀번호는 사용할 수 없습니다. 8자 이상이어야 하며, 이메일 주소나 흔히 쓰이는 비밀번호는 사용할 수 없습니다.',
  'reset.used.title': '이미 사용된 링크',
  'reset.used.message': '이 비밀번호 재설정 링크는 이미 사용되었습니다. 새 링크를 요청하세요.',
  'reset.expired.title': '만료된 링크',
  'reset.expired.message': '이 비밀번호 재설정 링크는 만료되었습니다. 새 링크를 요청하세요.',
  'reset.superseded.title': '새 링크로 대체됨',
  'reset.superseded.message':
    '더 최근에 비밀번호 재설정 링크가 발송되었습니다. 가장 최근 링크를 사용하거나 다시 요청하세요.',
  'reset.invalid.title': '유효하지 않은 링크',
  'reset.invalid.message': '이 비밀번호 재설정 링크는 유효하지 않습니다. 새 링크를 요청하세요.',
  'reset.askAgain': '새 링크 요청하기',
  'reset.mfaLead': '비밀번호가 변경되었습니다. 로그인하려면 인증 앱의 코드 또는 백업 코드를 입력하세요.',
  'reset.mfaExpired': '시간이 너무 오래 걸렸습니다. 새 비밀번호로 로그인하세요.',

  'password.tooShort': '비밀번호는 8자 이상이어야 합니다.',
  'password.tooLong': '비밀번호는 256자 이하여야 합니다.',
  'password.isEmail': '이메일 주소를 비밀번호로 사용할 수 없습니다.',
  'password.tooCommon': '너무 흔한 비밀번호입니다. 유출된 비밀번호 목록에 없는 비밀번호를 선택하세요.',

  'signUp.title': '계정 만들기',
  'signUp.lead': '이메일 주소를 인증할 수 있는 링크를 보내 드립니다.',
  'signUp.passwordHint': '8자 이상이어야 하며, 이메일 주소나 흔히 쓰이는 비밀번호는 사용할 수 없습니다.',
  'signUp.nameLabel': '이름(선택 사항)',
  'signUp.submit': '계정 만들기',
  'signUp.invalidEmail': 'name@example.com과 같이 전체 이메일 주소를 입력하세요.',
  'signUp.invalidPassword':
    '이 비밀번호는 사용할 수 없습니다. 8자 이상이어야 하며, 이메일 주소나 흔히 쓰이는 비밀번호는 사용할 수 없습니다.',
  'signUp.invalidName': '이름이 너무 길거나 사용할 수 없는 문자가 포함되어 있습니다.',
  'signUp.invalidForm': '입력한 내용을 확인한 다음 다시 시도하세요.',
  'signUp.taken': '이 이메일 주소를 사용하는 계정이 이미 있습니다. 로그인하거나 비밀번호를 재설정하세요.',
  'signUp.createdTitle': '계정 생성 완료',
  'signUp.created': '{email}(으)로 로그인되었습니다. 이 주소로 링크를 보내 드렸으니 링크를 열어 주소를 인증하세요.',
  'signUp.verifyFirst': '{email}(으)로 링크를 보내 드렸습니다. 링크를 열어 주소를 인증한 다음 로그인하세요.',
  'signUp.closedTitle': '현재 회원가입을 받지 않습니다',
  'signUp.closed': '이곳에서는 관리자가 계정을 만듭니다.',

  'mail.verifyAddress.subject': '이메일 주소를 인증하세요: {code}',
  'mail.verifyAddress.body':
    '아래 링크를 열어 본인의 이메일 주소임을 확인해 주세요.\n\n{link}\n\n' +
    '또는 코드 입력을 요청받은 곳에 다음 코드를 입력하세요: {code}\n\n' +
    '링크와 코드는 {minutes}분 동안 한 번만 사용할 수 있습니다. 계정을 만든 적이 없다면 이 메일을 무시하세요.\n',
  'mail.verifyNewAddress.subject': '새 이메일 주소를 확인하세요: {code}',
  'mail.verifyNewAddress.body':
    '계정에서 이 주소를 사용하도록 요청하셨습니다. 아래 링크를 열어 확인해 주세요.\n\n{link}\n\n' +
    '또는 코드 입력을 요청받은 곳에 다음 코드를 입력하세요: {code}\n\n' +
    '확인하기 전까지는 계정에서 현재 주소를 계속 사용합니다. 링크와 코드는 {minutes}분 동안 한 번만 사용할 수 있습니다. ' +
    '요청한 적이 없다면 이 메일을 무시하세요.\n',
  'mail.addressChanged.subject': '이메일 주소가 변경되었습니다',
  'mail.addressChanged.body':
    '계정의 이메일 주소가 {address}(으)로 변경되었습니다. 이제 계정 관련 메일은 새 주소로 발송되며, ' +
    '이 주소로는 더 이상 로그인할 수 없습니다.\n\n' +
    '직접 변경하지 않으셨다면 즉시 관리자에게 연락하세요.\n',
  'mail.passwordReset.subject': '비밀번호를 재설정하세요',
  'mail.passwordReset.body':
    '이 주소를 사용하는 계정의 비밀번호 재설정이 요청되었습니다(본인이 요청하셨기를 바랍니다). ' +
    '여기에서 새 비밀번호를 설정하세요.\n\n{link}\n\n' +
    '링크는 {minutes}분 동안 한 번만 사용할 수 있으며, 다시 요청하면 이 링크는 더 이상 작동하지 않습니다. ' +
    '요청한 적이 없다면 이 메일을 무시하세요. 비밀번호는 그대로 유지됩니다.\n',
  'mail.businessEmail.subject': '인증 코드: {code}',
  'mail.businessEmail.body':
    'membergraph 인증 코드는 {code}입니다.\n\n' +
    '이 코드는 {minutes}분 후에 만료됩니다. 요청한 적이 없다면 이 메일을 무시하세요.\n',
  'sms.businessPhone.subject': '인증 코드',
  'sms.businessPhone.body': 'membergraph 인증 코드는 {code}입니다. {minutes}분 후에 만료됩니다.',
} as const satisfies Record<MessageKey, string>;
