"""GraphQL documents of the access-code flows, shared by the tests."""

from __future__ import annotations

ERRORS = "userErrors { field message code }"

ISSUE = f"""
mutation($classId: ID!, $parents: Int! = 1, $students: Boolean! = true, $days: Int! = 30) {{
  issueAccessCodes(input: {{classId: $classId, parentsPerStudent: $parents,
                           forStudents: $students, validDays: $days}}) {{
    batch {{ id csvUrl printUrl expiresAt schoolClass {{ name }}
            codes {{ role code used expiresAt student {{ id fullName }} }} }}
    {ERRORS}
  }}
}}
"""

REDEEM = f"""
mutation($code: String!, $fullName: String! = "", $login: String! = "",
         $password: String! = "", $schoolId: ID) {{
  redeemAccessCode(input: {{code: $code, fullName: $fullName, login: $login,
                           password: $password, schoolId: $schoolId}}) {{
    status child {{ fullName }} {ERRORS}
  }}
}}
"""

CONFIRM_ACCOUNT = f"""
mutation($token: String!) {{ confirmAccount(input: {{token: $token}}) {{ login {ERRORS} }} }}
"""

LOGIN = f"""
mutation($login: String!, $password: String!) {{
  login(input: {{login: $login, password: $password, client: APP}}) {{ accessToken {ERRORS} }}
}}
"""

VIEWER = "{ viewer { login roles children { fullName } } }"

CHANGE_PASSWORD = f"""
mutation($current: String!, $new: String!) {{
  changePassword(input: {{currentPassword: $current, newPassword: $new}}) {{ ok {ERRORS} }}
}}
"""

CHANGE_EMAIL = f"""
mutation($email: String!, $password: String!) {{
  changeSecurityEmail(input: {{email: $email, password: $password}}) {{ ok {ERRORS} }}
}}
"""

CHANGE_PHONE = f"""
mutation($phone: String!, $password: String!) {{
  changeSecurityPhone(input: {{phone: $phone, password: $password}}) {{ ok {ERRORS} }}
}}
"""

CONFIRM_PHONE = f"""
mutation($code: String!) {{ confirmSecurityPhone(input: {{code: $code}}) {{ ok {ERRORS} }} }}
"""

SECURITY = "{ securityParameters { email phone } }"

REQUEST_RESET = f"""
mutation($login: String!) {{ requestPasswordReset(input: {{login: $login}}) {{ ok {ERRORS} }} }}
"""

RESET = f"""
mutation($token: String!, $password: String!) {{
  resetPassword(input: {{token: $token, newPassword: $password}}) {{ ok {ERRORS} }}
}}
"""

REMIND = f"""
mutation($address: String!) {{ remindLogin(input: {{address: $address}}) {{ ok {ERRORS} }} }}
"""

BATCHES = """
query($classId: ID!) { accessCodeBatches(classId: $classId) { id codes { code used } } }
"""

REDEEM_BY_PHONE = f"""
mutation($code: String!, $fullName: String!, $login: String!, $password: String!,
         $phone: String!) {{
  redeemAccessCode(input: {{code: $code, fullName: $fullName, login: $login,
                           password: $password, phone: $phone}}) {{
    status {ERRORS}
  }}
}}
"""

CONFIRM_BY_PHONE = f"""
mutation($phone: String!, $code: String!) {{
  confirmAccountByPhone(input: {{phone: $phone, code: $code}}) {{ login {ERRORS} }}
}}
"""

SECURITY_MASKED = "{ securityParameters { email phone maskedEmail maskedPhone } }"

REQUEST_RESET_BY_PHONE = f"""
mutation($phone: String!) {{
  requestPasswordResetByPhone(input: {{phone: $phone}}) {{ ok {ERRORS} }}
}}
"""

RESET_BY_PHONE = f"""
mutation($phone: String!, $code: String!, $password: String!) {{
  resetPasswordByPhone(input: {{phone: $phone, code: $code, newPassword: $password}}) {{
    ok {ERRORS}
  }}
}}
"""
