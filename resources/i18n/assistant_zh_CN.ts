<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>AppLinks</name>
    <message>
        <location filename="../../assistant/ui/app_link_actions.py" line="62"/>
        <location filename="../../assistant/ui/app_link_actions.py" line="70"/>
        <source>Folder not saved</source>
        <translation>文件夹未保存</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/app_link_actions.py" line="62"/>
        <source>That plugin is not installed.</source>
        <translation>该插件未安装。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/app_link_actions.py" line="64"/>
        <source>Choose the model's folder</source>
        <translation>选择模型所在的文件夹</translation>
    </message>
</context>
<context>
    <name>ChatModelStatus</name>
    <message>
        <location filename="../../assistant/ui/status_model.py" line="21"/>
        <source>The model that answers in the chat; change it in Settings → Chat.</source>
        <translation>在对话中回答的模型；可在“设置 → Chat”中更改。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/status_model.py" line="32"/>
        <source>offline</source>
        <translation>离线</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <location filename="../../assistant/ui/composer.py" line="67"/>
        <source>Ask anything, or drop files and images here  (Enter sends, Shift+Enter: new line)</source>
        <translation>有问题尽管问，也可以把文件和图片拖到这里（Enter 发送，Shift+Enter 换行）</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/composer.py" line="76"/>
        <source>Attach…</source>
        <translation>添加附件…</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/composer.py" line="78"/>
        <location filename="../../assistant/ui/composer.py" line="118"/>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/composer.py" line="81"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/composer.py" line="82"/>
        <source>Stop the answer (Esc)</source>
        <translation>停止回答（Esc）</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/composer.py" line="114"/>
        <source>Resend</source>
        <translation>重新发送</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/composer.py" line="134"/>
        <source>Attach files</source>
        <translation>添加附件</translation>
    </message>
</context>
<context>
    <name>Dialogs</name>
    <message>
        <location filename="../../assistant/ui/dialogs.py" line="50"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/dialogs.py" line="56"/>
        <source>General</source>
        <translation>常规</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/dialogs.py" line="106"/>
        <source>Settings not saved</source>
        <translation>设置未保存</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/dialogs.py" line="123"/>
        <source>Plugins</source>
        <translation>插件</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/dialogs.py" line="128"/>
        <source>Plugin</source>
        <translation>插件</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/dialogs.py" line="128"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/dialogs.py" line="128"/>
        <source>Memory</source>
        <translation>内存占用</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/dialogs.py" line="128"/>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/dialogs.py" line="128"/>
        <source>Last error</source>
        <translation>最近的错误</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/dialogs.py" line="130"/>
        <source>Turn on / off</source>
        <translation>启用 / 停用</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/dialogs.py" line="132"/>
        <source>Unload models</source>
        <translation>卸载模型</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/dialogs.py" line="158"/>
        <source>missing: </source>
        <translation>缺失：</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/dialogs.py" line="174"/>
        <source>Models marked missing are not on this computer: they download on first use when the internet is reachable, or choose their folder in Settings.</source>
        <translation>标为缺失的模型不在这台电脑上：联网时首次使用会自动下载，也可以在“设置”中选择它们所在的文件夹。</translation>
    </message>
</context>
<context>
    <name>KnowledgePanel</name>
    <message>
        <location filename="../../assistant/ui/knowledge_panel.py" line="44"/>
        <source>Documents</source>
        <translation>文档</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/knowledge_panel.py" line="51"/>
        <source>Drop files or folders here, or add them below.</source>
        <translation>将文件或文件夹拖到这里，或在下方添加。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/knowledge_panel.py" line="55"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/knowledge_panel.py" line="60"/>
        <source>Add files…</source>
        <translation>添加文件…</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/knowledge_panel.py" line="61"/>
        <source>Add folder…</source>
        <translation>添加文件夹…</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/knowledge_panel.py" line="62"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/knowledge_panel.py" line="63"/>
        <source>Re-index</source>
        <translation>重新索引</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/knowledge_panel.py" line="86"/>
        <source>The documents plugin is not installed.</source>
        <translation>未安装文档插件。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/knowledge_panel.py" line="130"/>
        <source>left</source>
        <translation>剩余</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/knowledge_panel.py" line="133"/>
        <source>files</source>
        <translation>个文件</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/knowledge_panel.py" line="135"/>
        <location filename="../../assistant/ui/knowledge_panel.py" line="154"/>
        <source>passages</source>
        <translation>个段落</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/knowledge_panel.py" line="144"/>
        <source>Indexed %1, unchanged %2, removed %3.</source>
        <translation>已索引 %1 个，未变 %2 个，已移除 %3 个。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/knowledge_panel.py" line="148"/>
        <source>Stopped; what was indexed is kept.</source>
        <translation>已停止；已索引的内容会保留。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/knowledge_panel.py" line="172"/>
        <source>Add documents</source>
        <translation>添加文档</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/knowledge_panel.py" line="177"/>
        <source>Add a folder of documents</source>
        <translation>添加文档文件夹</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../assistant/ui/main_window.py" line="49"/>
        <source>Assistant</source>
        <translation>助手</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/main_window.py" line="227"/>
        <source>Sending…</source>
        <translation>正在发送…</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/main_window.py" line="441"/>
        <source>Finishing…</source>
        <translation>正在收尾…</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/menus.py" line="35"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/menus.py" line="37"/>
        <source>&amp;New conversation</source>
        <translation>新建对话(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/menus.py" line="41"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/menus.py" line="42"/>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/menus.py" line="45"/>
        <source>&amp;Search conversations</source>
        <translation>搜索对话(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/menus.py" line="51"/>
        <source>Focus the message box</source>
        <translation>转到输入框</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/menus.py" line="55"/>
        <source>S&amp;top answering</source>
        <translation>停止回答(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/menus.py" line="56"/>
        <source>&amp;Tools</source>
        <translation>工具(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/menus.py" line="59"/>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/menus.py" line="63"/>
        <source>&amp;Plugins…</source>
        <translation>插件(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/menus.py" line="65"/>
        <source>&amp;Memory</source>
        <translation>记忆(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/menus.py" line="68"/>
        <source>&amp;Documents</source>
        <translation>文档(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/menus.py" line="72"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/menus.py" line="75"/>
        <source>What can you do?</source>
        <translation>你能做什么？</translation>
    </message>
</context>
<context>
    <name>MemoryPanel</name>
    <message>
        <location filename="../../assistant/ui/memory_panel.py" line="42"/>
        <source>Memory</source>
        <translation>记忆</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/memory_panel.py" line="48"/>
        <source>Older turns are folded into this summary, which the model reads as background.</source>
        <translation>较早的对话会归纳进这份摘要，模型会把它当作背景信息来参考。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/memory_panel.py" line="54"/>
        <source>The model's own summary was not usable, so this one keeps your own sentences.</source>
        <translation>模型自己写的摘要不可用，因此这里保留的是你自己说过的句子。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/memory_panel.py" line="60"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/memory_panel.py" line="61"/>
        <source>Clear</source>
        <translation>清空</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/memory_panel.py" line="79"/>
        <source>Folded into the summary</source>
        <translation>已并入摘要</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/memory_panel.py" line="99"/>
        <source>You</source>
        <translation>你</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/memory_panel.py" line="99"/>
        <source>Assistant</source>
        <translation>助手</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/memory_panel.py" line="106"/>
        <source>%1 of %2 messages are in the summary; the model reads the rest word for word.</source>
        <translation>%2 条消息中有 %1 条已并入摘要；其余消息模型会逐字读取。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/memory_panel.py" line="114"/>
        <source>None yet: the whole conversation fits in what the model reads.</source>
        <translation>暂时没有：整段对话都在模型能读取的范围内。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/memory_panel.py" line="128"/>
        <source>For this conversation</source>
        <translation>本对话专用</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/memory_panel.py" line="130"/>
        <source>the chat settings' system prompt</source>
        <translation>沿用聊天设置中的系统提示词</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/memory_panel.py" line="134"/>
        <location filename="../../assistant/ui/memory_panel.py" line="138"/>
        <source>as in the chat settings</source>
        <translation>沿用聊天设置</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/memory_panel.py" line="144"/>
        <source>System prompt</source>
        <translation>系统提示词</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/memory_panel.py" line="145"/>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/memory_panel.py" line="146"/>
        <source>Longest reply (tokens)</source>
        <translation>最长回复（词元数）</translation>
    </message>
</context>
<context>
    <name>MessageView</name>
    <message>
        <location filename="../../assistant/ui/audio_player.py" line="42"/>
        <location filename="../../assistant/ui/audio_player.py" line="74"/>
        <location filename="../../assistant/ui/audio_player.py" line="89"/>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/audio_player.py" line="51"/>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/audio_player.py" line="52"/>
        <source>Open {name} in another program</source>
        <translation>用其他程序打开 {name}</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/audio_player.py" line="62"/>
        <source>There is no sound output on this computer; Open plays it elsewhere.</source>
        <translation>这台电脑没有声音输出；点“打开”用其他程序播放。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/audio_player.py" line="78"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_parts.py" line="202"/>
        <location filename="../../assistant/ui/message_widget.py" line="230"/>
        <location filename="../../assistant/ui/message_widget.py" line="234"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_parts.py" line="203"/>
        <source>Copy the code</source>
        <translation>复制代码</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_parts.py" line="228"/>
        <source>code</source>
        <translation>代码</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_parts.py" line="250"/>
        <location filename="../../assistant/ui/message_widget.py" line="297"/>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_parts.py" line="380"/>
        <source>Open full size</source>
        <translation>以原尺寸打开</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_parts.py" line="453"/>
        <source>Sound</source>
        <translation>声音</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_parts.py" line="453"/>
        <location filename="../../assistant/ui/message_parts.py" line="453"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_parts.py" line="455"/>
        <source>Open {name}</source>
        <translation>打开 {name}</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_parts.py" line="481"/>
        <source>page</source>
        <translation>页码</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_parts.py" line="485"/>
        <source>Sources</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_view.py" line="67"/>
        <source>Show earlier messages</source>
        <translation>显示更早的消息</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_widget.py" line="230"/>
        <source>Copy the question</source>
        <translation>复制问题</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_widget.py" line="230"/>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_widget.py" line="231"/>
        <source>Change the question and ask again; the first version is kept</source>
        <translation>修改问题并重新提问；原来的版本会保留</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_widget.py" line="234"/>
        <source>Copy the answer as Markdown</source>
        <translation>以 Markdown 复制回答</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_widget.py" line="235"/>
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_widget.py" line="235"/>
        <source>Answer again; this answer is kept</source>
        <translation>重新回答；这个回答会保留</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_widget.py" line="236"/>
        <source>Send to…</source>
        <translation>转交给…</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_widget.py" line="236"/>
        <source>Ask another plugin; this answer is kept</source>
        <translation>交给另一个插件；这个回答会保留</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_widget.py" line="248"/>
        <source>sending…</source>
        <translation>发送中…</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_widget.py" line="255"/>
        <source>answering…</source>
        <translation>正在回答…</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_widget.py" line="255"/>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_widget.py" line="255"/>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_widget.py" line="260"/>
        <source>The previous version</source>
        <translation>上一个版本</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/message_widget.py" line="263"/>
        <source>The next version</source>
        <translation>下一个版本</translation>
    </message>
</context>
<context>
    <name>SettingsForm</name>
    <message>
        <location filename="../../assistant/ui/settings_form.py" line="64"/>
        <source>kept in the system keyring; type to replace</source>
        <translation>已保存在系统密钥环中；输入新值即可替换</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/settings_form.py" line="126"/>
        <source>Forget the stored key</source>
        <translation>删除已保存的密钥</translation>
    </message>
</context>
<context>
    <name>Sidebar</name>
    <message>
        <location filename="../../assistant/ui/sidebar.py" line="40"/>
        <location filename="../../assistant/ui/sidebar.py" line="68"/>
        <source>New conversation</source>
        <translation>新对话</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/sidebar.py" line="43"/>
        <source>Search conversations</source>
        <translation>搜索对话</translation>
    </message>
    <message numerus="yes">
        <location filename="../../assistant/ui/sidebar.py" line="69"/>
        <source>%n message(s)</source>
        <translation>
            <numerusform>%n 条消息</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../assistant/ui/sidebar.py" line="78"/>
        <source>Nothing found</source>
        <translation>未找到结果</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/sidebar.py" line="111"/>
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/sidebar.py" line="112"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/sidebar.py" line="116"/>
        <source>Rename conversation</source>
        <translation>重命名对话</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/sidebar.py" line="116"/>
        <source>Title:</source>
        <translation>标题：</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/sidebar.py" line="123"/>
        <source>Delete conversation</source>
        <translation>删除对话</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/sidebar.py" line="124"/>
        <source>Delete “%1” and everything said in it?</source>
        <translation>要删除“%1”及其中的全部内容吗？</translation>
    </message>
</context>
<context>
    <name>WelcomeView</name>
    <message>
        <location filename="../../assistant/ui/welcome.py" line="70"/>
        <source>No models are on this computer yet; they download on first use.</source>
        <translation>这台电脑上还没有模型；首次使用时会下载。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/welcome.py" line="72"/>
        <source>On this computer: {names}.</source>
        <translation>这台电脑上有：{names}。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/welcome.py" line="78"/>
        <source>Drop photos on the window.</source>
        <translation>把照片拖到窗口上。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/welcome.py" line="80"/>
        <source>Drop documents on the window.</source>
        <translation>把文档拖到窗口上。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/welcome.py" line="82"/>
        <source>Drop recordings on the window.</source>
        <translation>把录音拖到窗口上。</translation>
    </message>
    <message>
        <location filename="../../assistant/ui/welcome.py" line="109"/>
        <source>What can I help with?</source>
        <translation>有什么可以帮你？</translation>
    </message>
</context>
</TS>
