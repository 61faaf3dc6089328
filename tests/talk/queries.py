"""GraphQL documents of the conversation and acknowledgement tests."""

START = """
mutation($input: StartConversationInput!) {
  startConversation(input: $input) {
    conversation { id kind closedAt }
    message { id text }
    userErrors { field message code }
  }
}
"""
SEND = """
mutation($input: SendMessageInput!) {
  sendMessage(input: $input) { message { id text isOwn } userErrors { field message code } }
}
"""
READ = """
mutation($input: MarkConversationReadInput!) {
  markConversationRead(input: $input) {
    conversation { unreadCount readReceipts { lastReadMessageId participant { fullName } } }
    userErrors { field message code }
  }
}
"""
CLOSE = """
mutation($input: CloseConversationInput!) {
  closeConversation(input: $input) { conversation { closedAt } userErrors { field code } }
}
"""
MESSAGES = """
query($id: ID!, $first: Int!, $after: String) {
  node(id: $id) {
    ... on Conversation {
      unreadCount
      messages(first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { node { id text isOwn author { fullName role isViewer }
                       readBy { readAt participant { fullName role } } } }
      }
    }
  }
}
"""
CONVERSATIONS = """
query($first: Int!, $after: String) {
  conversations(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id kind unreadCount student { fullName } schoolClass { name }
                   teacher { fullName } parent { fullName } } }
  }
}
"""
CLASS_GROUP = """
query($id: ID!) { classConversation(classId: $id) { id kind schoolClass { name } } }
"""
REQUEST = """
mutation($input: RequestAcknowledgementInput!) {
  requestAcknowledgement(input: $input) {
    request { id title textSha256 } userErrors { field message code }
  }
}
"""
REGISTER = """
mutation($input: RegisterSigningKeyInput!) {
  registerSigningKey(input: $input) {
    signingKey { id fingerprint revokedAt } userErrors { field message code }
  }
}
"""
REVOKE = """
mutation($input: RevokeSigningKeyInput!) {
  revokeSigningKey(input: $input) { signingKey { revokedAt } userErrors { field code } }
}
"""
CHALLENGE = """
mutation($input: CreateAcknowledgementChallengeInput!) {
  createAcknowledgementChallenge(input: $input) {
    challenge { nonce payload expiresAt } userErrors { field message code }
  }
}
"""
ACKNOWLEDGE = """
mutation($input: AcknowledgeInput!) {
  acknowledge(input: $input) {
    acknowledgement { id signed signature { signedPayload publicKey signature valid } }
    userErrors { field message code }
  }
}
"""
STATUSES = """
query($id: ID!) {
  node(id: $id) {
    ... on AcknowledgementRequest {
      title
      statuses { student { fullName } parentName
                 acknowledgement { id signed signature { valid } } }
    }
  }
}
"""
